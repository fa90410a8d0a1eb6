import { merchantKey, normaliseMerchant } from "@expenzez/categoriser";

const UNKNOWN = "unknown";
type Found = { name: string; key: string };
/** Given names, and descriptions by the merchant_name hint they came with: no key strings built per call. */
const byName = new Map<string, Found>();
const byDescription = new Map<string, Map<string, Found>>();
let cached = 0;

/**
 * The merchant of a transaction through the categoriser's normalisation (the one place that
 * cleans descriptions), so `SPOTIFY P1A2B3C` and `SPOTIFY UK P9Z8Y7X` are one merchant. When the
 * categoriser cannot name one, the description without its numbers stands in, rather than
 * pooling every unnamed payment into one group.
 */
export function merchantOf(description: string, merchant?: string, merchantName?: string): { name: string; key: string } {
  if (merchant !== undefined && merchant !== "") {
    let known = byName.get(merchant);
    if (known === undefined) {
      known = { name: merchant, key: withoutReferences(merchantKey(merchant)) };
      bound();
      byName.set(merchant, known);
    }
    if (known.key !== "" && known.key !== UNKNOWN) return known;
  }
  const hint = merchantName ?? "";
  let hints = byDescription.get(description);
  let found = hints?.get(hint);
  if (found === undefined) {
    const name = normaliseMerchant(description, merchantName);
    const key = merchantKey(name);
    if (key === "" || key === UNKNOWN) {
      const words = description.split(/\s+/).filter((w) => w !== "" && !/\d/.test(w));
      const fallback = words.join(" ") || description;
      found = { name: fallback, key: merchantKey(fallback) || fallback.toLowerCase() };
    } else found = { name, key: withoutReferences(key) };
    bound();
    if (hints === undefined) {
      hints = new Map();
      byDescription.set(description, hints);
    }
    hints.set(hint, found);
  }
  return found;
}

/**
 * The key without words that carry digits after the first one: payees the categoriser does not
 * know keep the bank's reference in their name (`MARIA K FP HVCL4AUJ`), and a reference that
 * changes every time must not split a stream. The first word stays (`bet365`, `o2`).
 */
function withoutReferences(key: string): string {
  const words = key.split(" ");
  if (words.length < 2) return key;
  const kept = [words[0]!, ...words.slice(1).filter((w) => !/\d/.test(w))];
  return kept.join(" ");
}

/** Bounded: a long-running service sees many descriptions. */
function bound(): void {
  if (++cached <= 50_000) return;
  byName.clear();
  byDescription.clear();
  cached = 1;
}
