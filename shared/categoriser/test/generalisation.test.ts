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
const generalisation = load("generalisation.jsonl");
/** Written before the session-4 changes and read only in aggregate while making them (data/holdout-source.txt). */
const holdout = load("holdout.jsonl");
const calibration = load("calibration.jsonl");
/** Session 5's dev set (data/dev-source.txt): variants were chosen on it, so it has no accuracy floor here, only the split. */
const dev = load("dev.jsonl");
/** Session 5's independent set (data/independent-source.txt): written by someone who had read none of the categoriser. */
const independent = load("independent.jsonl");
/** Session 6's dev set (data/dev2-source.txt): for choosing variants, so only the split is checked. */
const dev2 = load("dev2.jsonl");
/** Session 6's second independent set (data/independent2-source.txt), by another such writer. */
const independent2 = load("independent2.jsonl");
const keyOf = (row: Row) => merchantKey(merchantTokens(row.description).join(" "));

/** Floors a little below what the benchmark reports for merchants the categoriser was not built from. */
const SETS = [
  {
    name: "generalisation",
    rows: generalisation,
    others: [...calibration, ...holdout, ...dev, ...dev2, ...independent, ...independent2],
    minRows: 200,
    without: 0.9,
    with: 0.96,
  },
  {
    name: "hold-out",
    rows: holdout,
    others: [...calibration, ...generalisation, ...dev, ...dev2, ...independent, ...independent2],
    minRows: 100,
    without: 0.72,
    with: 0.88,
  },
  {
    name: "independent",
    rows: independent,
    others: [...calibration, ...generalisation, ...holdout, ...dev, ...dev2, ...independent2],
    minRows: 100,
    without: 0.72,
    with: 0.84,
  },
  {
    name: "second independent",
    rows: independent2,
    others: [...calibration, ...generalisation, ...holdout, ...dev, ...dev2, ...independent],
    minRows: 110,
    without: 0.68,
    with: 0.76,
  },
];

function measure(rows: Row[]) {
  const results = categoriseBatch(rows.map(({ label: _l, ...tx }) => tx));
  const correct = results.filter((r, i) => r.category.primary === rows[i]!.label.primary).length;
  return { accuracy: correct / rows.length, meanConfidence: results.reduce((s, r) => s + r.category.confidence, 0) / rows.length };
}

describe.each(SETS)("$name evaluation set (merchants the categoriser was not built from)", (set) => {
  it("has no merchant the dictionary, the brand review or another hand-written set knows", () => {
    const reviewed = new Set(
      [...BRAND_REVIEW.drop.map((d) => d.name), ...BRAND_REVIEW.recategorise.map((r) => r.name), ...BRAND_REVIEW.wholeOnly].map((n) => merchantKey(n)),
    );
    const otherMerchants = new Set(set.others.map(keyOf));
    for (const row of set.rows) {
      const part = merchantTokens(row.description);
      expect(findMerchant(part), String(row.description)).toBeUndefined();
      expect(reviewed.has(merchantKey(part.join(" ")))).toBe(false);
      expect(otherMerchants.has(keyOf(row)), String(row.description)).toBe(false);
    }
    expect(set.rows.length).toBeGreaterThanOrEqual(set.minRows);
  });

  it("shares no merchant with the training corpus (open brand names, preset words, generator)", () => {
    // Split by merchant: a row's merchant part is never a training example's merchant part.
    const corpus = new Set(generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE).map((e) => merchantKey(merchantTokens(e.tx.description ?? "").join(" "))));
    for (const row of [...set.rows, ...calibration, ...dev, ...dev2]) expect(corpus.has(keyOf(row)), String(row.description)).toBe(false);
  }, 60_000);

  it("meets the primary accuracy floor without transaction_classification, with honest confidence", () => {
    const { accuracy, meanConfidence } = measure(set.rows.map(({ transaction_classification: _c, ...tx }) => tx as Row));
    expect(accuracy).toBeGreaterThanOrEqual(set.without);
    expect(Math.abs(meanConfidence - accuracy)).toBeLessThan(0.07);
  });

  it("meets the primary accuracy floor with transaction_classification", () => {
    expect(measure(set.rows).accuracy).toBeGreaterThanOrEqual(set.with);
  });
});

describe("training corpus: online-only services", () => {
  it("names online services with a made-up word fused to a part of a word, dressed as such services print", () => {
    const corpus = generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE);
    // Prepare: the examples whose merchant word fuses VPN to something else (`KALOVPN`), and the reseller forms.
    const fusedVpn = corpus.filter((e) => merchantTokens(e.tx.description).some((t) => t.endsWith("VPN") && t !== "VPN"));
    const resold = corpus.filter((e) => /^(PADDLE\.NET\* |FS \*)/.test(String(e.tx.description)));
    expect(fusedVpn.length).toBeGreaterThanOrEqual(3);
    expect(fusedVpn.every((e) => e.label === "bills_and_utilities/subscriptions")).toBe(true);
    expect(resold.length).toBeGreaterThanOrEqual(10);
    // Paddle and FastSpring resell software, games and courses: never pet food or insurance.
    const resoldKinds = new Set(["bills_and_utilities/subscriptions", "entertainment/games", "education/courses"]);
    expect(resold.every((e) => resoldKinds.has(e.label))).toBe(true);
    // The reseller's prefix is no part of the merchant's name.
    for (const e of resold) expect(merchantTokens(e.tx.description)[0]).not.toMatch(/^(PADDLE|NET|FS)$/);
  }, 60_000);
});
