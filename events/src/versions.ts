import type { z } from "zod";
import { EventValidationError } from "./errors";

/**
 * Parses a detail as any of the versions a consumer accepts (ADR 0011). During a migration the
 * consumer lists the old schema and the new one; the detail's own `version` picks which, and the
 * result is tagged with it so the consumer handles each shape explicitly. A version the consumer
 * does not list is a permanent error: consumers are deployed before producers publish a new version.
 *
 * @example
 * const parsed = parseVersionedDetail("TransactionsSynced", detail, { 1: syncedV1, 2: CATALOGUE.TransactionsSynced.schema });
 * if (parsed.version === 2) ...
 */
export function parseVersionedDetail<V extends Record<number, z.ZodType>>(
  detailType: string,
  detail: unknown,
  versions: V,
): { [K in keyof V & number]: { version: K; detail: z.output<V[K]> } }[keyof V & number] {
  const version = detail && typeof detail === "object" ? (detail as { version?: unknown }).version : undefined;
  const schema = typeof version === "number" ? versions[version] : undefined;
  if (!schema) {
    throw new EventValidationError(`${detailType} version ${JSON.stringify(version)} is not one this consumer reads (${Object.keys(versions).join(", ")})`, [
      "version: unsupported",
    ]);
  }
  const parsed = schema.safeParse(detail);
  if (!parsed.success) {
    throw new EventValidationError(
      `invalid ${detailType} v${version} detail`,
      parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    );
  }
  return { version, detail: parsed.data } as never;
}

/** The version a catalogue schema publishes: its `version` literal. */
export function versionOf(schema: z.ZodObject): number {
  const literal = schema.shape.version as z.ZodLiteral<number>;
  return literal.value;
}
