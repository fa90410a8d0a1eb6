import fc from "fast-check";

/** Strings people and attackers actually send: empty, control characters, key separators, prototype names, lone surrogates, huge. */
const NASTY = [
  "",
  " ",
  "\u0000",
  "\u0001\u001f",
  "#",
  "USER#u-1",
  "a#b",
  "__proto__",
  "constructor",
  "toString",
  "null",
  "undefined",
  "NaN",
  "-0",
  "1e309",
  "-1",
  "9007199254740993",
  "0x10",
  "😀🏦",
  "\uD800",
  "\uDFFF",
  "\u202Eevil",
  "../../etc/passwd",
  "%00",
  "' OR 1=1 --",
  "<script>alert(1)</script>",
  "$" + "{jndi:ldap://x}",
  "2024-02-30",
  "2024-13-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  "0000-01-01T00:00:00Z",
  "x".repeat(5000),
];

/** Hostile text: random unicode (incl. lone surrogates), binary and the nasty constants. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
);

/** Any JSON value, with hostile strings and numbers at the leaves and prototype-named keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(0, -0, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
    hostileText,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom("__proto__", "constructor")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function applyAt(root: unknown, path: Path, op: "delete" | "replace", replacement: unknown): unknown {
  if (path.length === 0) return op === "delete" ? undefined : replacement;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (op === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else parent[last] = replacement;
  return copy;
}

/**
 * A valid value with one to three of its fields deleted or replaced by hostile JSON: the
 * messages a buggy or malicious producer sends that almost pass.
 */
export function mutated<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  const edit = fc.record({ at: fc.nat(), op: fc.constantFrom("delete" as const, "replace" as const), value: hostileJson });
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([value, edits]) => {
    let current: unknown = value;
    for (const e of edits) {
      const paths = pathsOf(current);
      current = applyAt(current, paths[e.at % paths.length]!, e.op, e.value);
    }
    return current;
  });
}

/** A message body: random text, random JSON, or a near-valid document (serialised). */
export function hostileBody(nearValid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 1, arbitrary: hostileText },
    { weight: 1, arbitrary: hostileJson.map((j) => JSON.stringify(j) ?? "") },
    { weight: 4, arbitrary: mutated(nearValid).map((j) => JSON.stringify(j) ?? "") },
  );
}

/** Characters SQS accepts in a message body or string attribute (XML 1.0 chars). */
export function sqsSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to strip them
  return text.replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "?");
}
