import { merchantKey, normaliseMerchant } from "@expenzez/categoriser";

const UNKNOWN = "unknown";
const cache = new Map<string, { name: string; key: string }>();

/**
 * The merchant of a transaction through the categoriser's normalisation (the one place that
 * cleans descriptions), so `SPOTIFY P1A2B3C` and `SPOTIFY UK P9Z8Y7X` are one merchant. When the
 * categoriser cannot name one, the description without its numbers stands in, rather than
 * pooling every unnamed payment into one group.
 */
export function merchantOf(description: string, merchant?: string, merchantName?: string): { name: string; key: string } {
  if (merchant !== undefined && merchant !== "") {
    const key = merchantKey(merchant);
    if (key !== "" && key !== UNKNOWN) return { name: merchant, key };
  }
  const cacheKey = `${description}\u0000${merchantName ?? ""}`;
  let found = cache.get(cacheKey);
  if (found === undefined) {
    const name = normaliseMerchant(description, merchantName);
    const key = merchantKey(name);
    if (key === "" || key === UNKNOWN) {
      const words = description.split(/\s+/).filter((w) => w !== "" && !/\d/.test(w));
      const fallback = words.join(" ") || description;
      found = { name: fallback, key: merchantKey(fallback) || fallback.toLowerCase() };
    } else found = { name, key };
    // Bounded: a long-running service sees many descriptions.
    if (cache.size > 50_000) cache.clear();
    cache.set(cacheKey, found);
  }
  return found;
}
