import { InvalidContextError } from "./errors";

/** Key/value pairs bound to a sealed value, e.g. `{ purpose: "accessToken", userId: "u1" }`. */
export type EncryptionContext = Readonly<Record<string, string>>;

/** Sorted-key JSON so `{a,b}` and `{b,a}` give the same AAD and the same cache slot. */
export function canonicalContext(context: EncryptionContext): string {
  const entries = Object.entries(context);
  if (entries.length === 0) throw new InvalidContextError("encryption context is empty");
  for (const [k, v] of entries) {
    if (typeof v !== "string" || v.length === 0) throw new InvalidContextError(`encryption context value "${k}" must be a non-empty string`);
  }
  return JSON.stringify(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
