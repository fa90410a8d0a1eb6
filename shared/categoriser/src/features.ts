import { type Direction, magnitudeOf } from "./direction";
import { isNumericNoise } from "./tokens";
import type { CategorisableTransaction } from "./types";

/** Words every kind of payment carries: no evidence, and they cost the most to score. */
const NOISE_WORDS = new Set(["CARD", "PAYMENT", "TO", "ON", "GB", "GBR", "UK", "CD", "REF", "RATE", "GBP", "COM", "WWW", "CO", "VIS", "POS", "CONTACTLESS"]);

/** Enough words for any real description; the rest is reference noise. */
const MAX_WORDS = 10;

/** BUTCHERS → BUTCHER, TAXIS → TAXI: plurals carry no extra meaning here. */
function stem(token: string): string {
  return token.length > 4 && token.charCodeAt(token.length - 1) === 83 && token.charCodeAt(token.length - 2) !== 83 ? token.slice(0, -1) : token;
}

/**
 * What the statistical model sees: the description's words (not the numbers) and adjacent word
 * pairs (`CAR PARK` is not `CAR` + `PARK`), the direction, the bank's transaction category and
 * the order of magnitude of the amount (rent is not a coffee).
 */
export function modelFeatures(tokens: readonly string[], direction: Direction, bankCategory: unknown, magnitude: number | undefined): string[] {
  const out: string[] = [];
  let previous = "";
  let words = 0;
  for (const t of tokens) {
    if (words >= MAX_WORDS) break;
    if (isNumericNoise(t) || NOISE_WORDS.has(t)) continue;
    const word = stem(t);
    out.push(word);
    if (previous !== "") out.push(`${previous}_${word}`);
    previous = word;
    words++;
  }
  out.push(direction === "DEBIT" ? "~D" : "~C");
  if (typeof bankCategory === "string" && bankCategory.length < 20) out.push(categoryFeature(bankCategory));
  if (magnitude !== undefined) out.push(MAGNITUDES[magnitude] ?? `$${magnitude}`);
  return out;
}

/** `$0` … `$5`, built once: every transaction carries one. */
const MAGNITUDES = Array.from({ length: 6 }, (_, i) => `$${i}`);
/** `#PURCHASE`, `#DIRECT_DEBIT`, …: the few categories banks send, built once each (bounded: odd ones are built per call). */
const CATEGORY_FEATURES = new Map<string, string>();
const CATEGORY_FEATURES_LIMIT = 100;

function categoryFeature(bankCategory: string): string {
  const known = CATEGORY_FEATURES.get(bankCategory);
  if (known !== undefined) return known;
  const feature = `#${bankCategory}`;
  if (CATEGORY_FEATURES.size < CATEGORY_FEATURES_LIMIT) CATEGORY_FEATURES.set(bankCategory, feature);
  return feature;
}

/** The model's features for a transaction whose description is already tokenised (runtime and training share it). */
export function transactionFeatures(tx: CategorisableTransaction, tokens: readonly string[], direction: Direction): string[] {
  return modelFeatures(tokens, direction, tx.transaction_category, magnitudeOf(tx));
}
