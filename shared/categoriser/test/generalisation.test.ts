import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BRAND_REVIEW } from "../scripts/brand-review";
import { generateCorpus, TRAIN_SEED, TRAIN_SIZE } from "../scripts/corpus";
import { prng } from "../scripts/prng";
import { type CategorisableTransaction, categoriseBatch } from "../src/index";
import { findMerchant } from "../src/merchants";
import { merchantKey, merchantTokens } from "../src/normalise";

type Row = CategorisableTransaction & { label: { primary: string } };
const load = (file: string) =>
  readFileSync(new URL(`../data/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Row);
const evaluation = load("generalisation.jsonl");
const calibration = load("calibration.jsonl");

/** Floors a little below what the benchmark reports for merchants the categoriser was not built from. */
const FLOOR_WITHOUT_CLASSIFICATION = 0.88;
const FLOOR_WITH_CLASSIFICATION = 0.95;

function measure(rows: Row[]) {
  const results = categoriseBatch(rows.map(({ label: _l, ...tx }) => tx));
  const correct = results.filter((r, i) => r.category.primary === rows[i]!.label.primary).length;
  return { accuracy: correct / rows.length, meanConfidence: results.reduce((s, r) => s + r.category.confidence, 0) / rows.length };
}

describe("generalisation evaluation set (merchants the categoriser was not built from)", () => {
  it("has no merchant the dictionary, the brand review or the calibration set knows", () => {
    const reviewed = new Set(
      [...BRAND_REVIEW.drop.map((d) => d.name), ...BRAND_REVIEW.recategorise.map((r) => r.name), ...BRAND_REVIEW.wholeOnly].map((n) => merchantKey(n)),
    );
    const calibrationMerchants = new Set(calibration.map((r) => merchantKey(merchantTokens(r.description).join(" "))));
    for (const row of evaluation) {
      const part = merchantTokens(row.description);
      expect(findMerchant(part), String(row.description)).toBeUndefined();
      expect(reviewed.has(merchantKey(part.join(" ")))).toBe(false);
      expect(calibrationMerchants.has(merchantKey(part.join(" "))), String(row.description)).toBe(false);
    }
    expect(evaluation.length).toBeGreaterThanOrEqual(200);
  });

  it("shares no merchant with the training corpus (open brand names, preset words, generator) and none with the calibration set", () => {
    // Split by merchant: a row's merchant part, or its first word alone, is never a training example's merchant part.
    const corpus = new Set(generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE).map((e) => merchantKey(merchantTokens(e.tx.description ?? "").join(" "))));
    for (const row of [...evaluation, ...calibration]) {
      const part = merchantTokens(row.description);
      expect(corpus.has(merchantKey(part.join(" "))), String(row.description)).toBe(false);
    }
  }, 60_000);

  it("meets the primary accuracy floor without transaction_classification, with honest confidence", () => {
    const { accuracy, meanConfidence } = measure(evaluation.map(({ transaction_classification: _c, ...tx }) => tx as Row));
    expect(accuracy).toBeGreaterThanOrEqual(FLOOR_WITHOUT_CLASSIFICATION);
    expect(Math.abs(meanConfidence - accuracy)).toBeLessThan(0.07);
  });

  it("meets the primary accuracy floor with transaction_classification", () => {
    expect(measure(evaluation).accuracy).toBeGreaterThanOrEqual(FLOOR_WITH_CLASSIFICATION);
  });
});
