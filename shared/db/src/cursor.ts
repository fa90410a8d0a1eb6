import { InvalidCursorError } from "./errors";

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;

/** Bounds a caller's page size. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new RangeError(`limit must be an integer in 1..${MAX_LIMIT}, got ${limit}`);
  return limit;
}

/**
 * An opaque cursor: LastEvaluatedKey plus the query it belongs to, base64url JSON. Opaque so
 * callers cannot depend on the key layout; tagged so a cursor cannot be replayed on another query.
 */
export function encodeCursor(scope: string, lastEvaluatedKey: Record<string, unknown> | undefined): string | undefined {
  if (!lastEvaluatedKey) return undefined;
  return Buffer.from(JSON.stringify({ s: scope, k: lastEvaluatedKey }), "utf8").toString("base64url");
}

export function decodeCursor(scope: string, cursor: string | undefined): Record<string, string | number> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError("not base64url JSON");
  }
  if (!parsed || typeof parsed !== "object") throw new InvalidCursorError("not an object");
  const { s, k } = parsed as { s?: unknown; k?: unknown };
  if (s !== scope) throw new InvalidCursorError("belongs to another query");
  if (!k || typeof k !== "object" || Array.isArray(k)) throw new InvalidCursorError("no key");
  for (const v of Object.values(k)) {
    if (typeof v !== "string" && typeof v !== "number") throw new InvalidCursorError("key values must be strings or numbers");
  }
  return k as Record<string, string | number>;
}
