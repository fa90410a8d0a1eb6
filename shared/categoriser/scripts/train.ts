/**
 * Trains the naive Bayes model and calibrates every step's confidence, then writes
 * data/model.json. The training set is generated from a fixed seed (scripts/corpus.ts), so it is
 * the same on every run; `-- --write-train` also writes it to data/train.jsonl.
 *
 *   pnpm --filter @expenzez/categoriser run train
 *
 * Calibration uses a second generated set (another seed, never trained on), with bank
 * classifications and MCCs attached to part of it, so each step's confidence is the precision it
 * achieved there; the model's is measured per score bucket (with a twin model that never saw 30%
 * of the category words) and made monotonic.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createCategoriser } from "../src/categorise";
import { directionOf } from "../src/direction";
import { transactionFeatures } from "../src/features";
import { type HashedModel, hashedFeatures, scorePrimaries } from "../src/hashed-model";
import { loadModel, type ModelFile, predict } from "../src/model";
import { parseDescription } from "../src/normalise";
import { type Primary, primaryOf, type Secondary } from "../src/taxonomy";
import type { CategorisableTransaction } from "../src/types";
import { type Example, generateCorpus, openSources, TRAIN_SEED, TRAIN_SIZE, withheldWords } from "./corpus";
import { chance, prng } from "./prng";
import { classificationFor, mccFor } from "./signals-for";

const CALIBRATION_SEED = 77031;
const CALIBRATION_SIZE = 12000;
const WITHHOLD_SEED = 4242;
const WITHHELD_SHARE = 0.3;
const ALPHA = 0.1;
/** Upper edges of the model's score buckets. */
const EDGES = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.995, 1];

const dataDir = new URL("../data/", import.meta.url);

const isMetaFeature = (token: string) => token.startsWith("~") || token.startsWith("#") || token.startsWith("$");

const featuresOf = (tx: CategorisableTransaction) =>
  transactionFeatures(tx, parseDescription(tx.description, tx.merchant_name, tx.transaction_category).tokens, directionOf(tx));

function train(examples: Example[]): Omit<ModelFile, "calibration"> {
  const classes = [...new Set(examples.map((e) => e.label))].sort() as Secondary[];
  const index = new Map(classes.map((c, i) => [c, i]));
  const docs = new Array<number>(classes.length).fill(0);
  const counts = new Map<string, Map<number, number>>();
  for (const { tx, label } of examples) {
    const k = index.get(label)!;
    docs[k]!++;
    for (const f of featuresOf(tx)) {
      const byClass = counts.get(f) ?? new Map<number, number>();
      byClass.set(k, (byClass.get(k) ?? 0) + 1);
      counts.set(f, byClass);
    }
  }
  const totals = new Array<number>(classes.length).fill(0);
  const vocab: Record<string, number[]> = {};
  for (const [token, byClass] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    let sum = 0;
    for (const n of byClass.values()) sum += n;
    // Rare words and pairs are surnames and references: noise, and they bloat the file.
    if (sum < (token.includes("_") ? 3 : 2)) continue;
    // Words seen with most classes (towns, THE, GREEN) say nothing and cost the most to score.
    if (!isMetaFeature(token) && byClass.size > classes.length / 2) continue;
    vocab[token] = [...byClass].sort(([a], [b]) => a - b).flat();
    for (const [k, n] of byClass) totals[k]! += n;
  }
  return { format: "expenzez-nb/1", alpha: ALPHA, classes, docs, totals, vocab, trainedOn: { examples: examples.length, seed: TRAIN_SEED } };
}

/** 2^16 buckets: of 14, 15 and 16 bits (4-grams, and 3–5-grams), 16 with 4-grams was best on the hand calibration set (17 of 31 model-step rows right, 154 of 170 overall). */
const HASH_BITS = 16;
const EPOCHS = 10;
/** Learning-rate decay per epoch. */
const DECAY = 0.8;
/** The weights shipped are the average of those after each epoch from this one on (averaged SGD: steadier than the last step's). */
const AVERAGE_FROM = 3;

/**
 * Multinomial logistic regression over the primaries by averaged SGD (learning rate 0.5, × 0.8 per
 * epoch, step scaled by 1/√features, 10 epochs, the weights averaged over epochs 4–10),
 * deterministic in example order; weights quantised to int8
 * with one scale.
 */
function trainHashed(corpora: Example[][]): HashedModel {
  const examples = corpora[0]!;
  const classes = [...new Set(examples.map((e) => primaryOf(e.label)))].sort() as Primary[];
  const size = 1 << HASH_BITS;
  // Bagged (ADR 0070): the mean of the weights of one regression per corpus, each drawn from its own
  // seed (BAG_SEEDS). Over five seeds one regression scored 274-281 of the selection sets' 376 rows
  // without classification; the mean of three, 278-281: about as accurate, steadier.
  const w = new Float32Array(size * classes.length);
  for (const corpus of corpora) {
    const one = trainHashedWeights(corpus, classes);
    for (let i = 0; i < w.length; i++) w[i]! += one[i]! / corpora.length;
  }
  let maxAbs = 0;
  for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
  const scale = maxAbs / 127;
  const weights = Int8Array.from(w, (v) => Math.round(v / scale));
  // The most frequent secondary of each primary, for when naive Bayes has nothing within it.
  const counts = new Map<Secondary, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const defaultSecondary: Record<string, Secondary> = {};
  for (const [label] of [...counts].sort((a, b) => b[1] - a[1])) defaultSecondary[primaryOf(label)] ??= label;
  return {
    config: { format: "expenzez-lr/1", bits: HASH_BITS, scale, classes, defaultSecondary, buckets: [{ upTo: 1, confidence: 0.5, n: 0 }] },
    weights,
    mask: size - 1,
  };
}

/** One regression's float weights on one corpus (averaged SGD, as described above). */
function trainHashedWeights(examples: Example[], classes: Primary[]): Float32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  const size = 1 << HASH_BITS;
  const mask = size - 1;
  const c = classes.length;
  const w = new Float32Array(size * c);
  const xs = examples.map((e) => {
    const parsed = parseDescription(e.tx.description, e.tx.merchant_name, e.tx.transaction_category);
    return hashedFeatures(transactionFeatures(e.tx, parsed.tokens, directionOf(e.tx)), parsed.merchantTokens, mask);
  });
  const ys = examples.map((e) => index.get(primaryOf(e.label))!);
  const p = new Float64Array(c);
  let rate = 0.5;
  const avg = new Float32Array(w.length);
  let averaged = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let k = 0; k < xs.length; k++) {
      const x = xs[k]!;
      p.fill(0);
      for (const f of x) for (let j = 0; j < c; j++) p[j]! += w[f * c + j]!;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < c; j++) max = Math.max(max, p[j]!);
      let sum = 0;
      for (let j = 0; j < c; j++) {
        p[j] = Math.exp(p[j]! - max);
        sum += p[j]!;
      }
      const step = rate / Math.sqrt(x.length);
      for (let j = 0; j < c; j++) {
        const g = p[j]! / sum - (j === ys[k] ? 1 : 0);
        if (Math.abs(g) < 1e-4) continue;
        for (const f of x) w[f * c + j]! -= step * g;
      }
    }
    rate *= DECAY;
    if (epoch >= AVERAGE_FROM) {
      for (let i = 0; i < w.length; i++) avg[i]! += w[i]!;
      averaged++;
    }
  }
  if (averaged > 0) for (let i = 0; i < w.length; i++) w[i] = avg[i]! / averaged;
  return w;
}

/** Pool-adjacent-violators: precision that never falls as the score rises. */
function monotone(buckets: { upTo: number; hits: number; n: number }[]): { upTo: number; confidence: number; n: number }[] {
  const blocks = buckets.map((b) => ({ hits: b.hits, n: b.n, members: [b] }));
  for (let i = 0; i < blocks.length - 1; ) {
    const a = blocks[i]!;
    const b = blocks[i + 1]!;
    const rate = (x: { hits: number; n: number }) => (x.hits + 1) / (x.n + 2);
    if (rate(a) > rate(b)) {
      blocks.splice(i, 2, { hits: a.hits + b.hits, n: a.n + b.n, members: [...a.members, ...b.members] });
      i = Math.max(0, i - 1);
    } else i++;
  }
  return blocks.flatMap((blk) => blk.members.map((m) => ({ upTo: m.upTo, confidence: round((blk.hits + 1) / (blk.n + 2)), n: m.n })));
}

/** No step is ever certain on data it has not seen: confidences stop at 0.99. */
const round = (x: number) => Math.min(0.99, Math.round(x * 1000) / 1000);

const trainSet = generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE);
const trained = train(trainSet);
// Cross-fitted calibration: the model's buckets are measured with a twin trained without 30% of
// the category words, so they reflect descriptions whose words it never saw (real statements
// are full of them); the shipped model, trained on all words, is then if anything under-confident.
const withheld = withheldWords(prng(WITHHOLD_SEED), WITHHELD_SHARE);
const uncalibrated = { steps: {}, model: [{ upTo: 1, confidence: 0.5, n: 0 }] };
const twin = loadModel({ ...train(generateCorpus(prng(TRAIN_SEED), TRAIN_SIZE, { withheld })), calibration: uncalibrated });

// The calibration set: bank signals on part of it, as a bank sends them.
const rand = prng(CALIBRATION_SEED);
// Its open names are the fifth kept apart from training: the model meets them as it meets real names, unseen.
// Its dictionary share stays the fifth it was before session 5 moved training examples to online services: the
// dictionary step's precision here is set by surnames that are brands (`CLARKS GAS`), measured against that share.
const calibration = generateCorpus(rand, CALIBRATION_SIZE, { open: openSources("calibration"), dictionaryEnd: 0.2 }).map((e) => {
  const tx = { ...e.tx };
  const roll = rand();
  if (roll < 0.25) {
    const c = classificationFor(rand, e.label, 0.04);
    if (c) tx.transaction_classification = c;
  } else if (roll < 0.4) {
    const mcc = mccFor(rand, e.label, 0.05);
    if (mcc !== undefined) tx.meta = { mcc: String(mcc) };
  }
  if (e.label === "cash/atm" && chance(rand, 0.7)) tx.transaction_category = "ATM";
  if (e.label.startsWith("fees_and_charges/") && chance(rand, 0.5)) tx.transaction_category = "FEE_CHARGE";
  return { tx, label: e.label };
});

// The lexicon's strength is told apart by giving its two levels distinct placeholder confidences.
const LEXICON_STRONG_PROBE = 0.777;
twin.steps = { lexicon_strong: LEXICON_STRONG_PROBE, lexicon_weak: 0.555 };
const categoriser = createCategoriser({ model: twin });
const stepTally = new Map<string, { hits: number; n: number }>();
const modelTally = EDGES.map((upTo) => ({ upTo, hits: 0, n: 0 }));
for (const { tx, label } of calibration) {
  const { category } = categoriser.categorise(tx);
  const hit = category.primary === primaryOf(label) ? 1 : 0;
  if (category.reason === "model") {
    // Rebuild the raw score: calibration must bucket what the model said, not what we report.
    const features = featuresOf(tx);
    const score = predict(twin, features)!.score;
    const bucket = modelTally.find((b) => score <= b.upTo) ?? modelTally.at(-1)!;
    bucket.hits += hit;
    bucket.n++;
    continue;
  }
  const key =
    category.reason === "classification"
      ? tx.transaction_classification?.length === 2
        ? "classification_sub"
        : "classification_top"
      : category.reason === "lexicon"
        ? category.confidence === LEXICON_STRONG_PROBE
          ? "lexicon_strong"
          : "lexicon_weak"
        : category.reason;
  const t = stepTally.get(key) ?? { hits: 0, n: 0 };
  t.hits += hit;
  t.n++;
  stepTally.set(key, t);
}

const steps: Record<string, number> = {};
/**
 * A step's precision from its hits: the Jeffreys estimate (h + ½)/(n + 1). Laplace's (h + 1)/(n + 2)
 * pulls a step that was right 53 times in 54 down to 0.964, further than the evidence says.
 */
const precision = (hits: number, n: number) => round((hits + 0.5) / (n + 1));
for (const [key, t] of stepTally) steps[key] = precision(t.hits, t.n);
// No labelled own-account pairs in a generated set: two matching legs on two own accounts are measured in tests, not here.
steps["own_transfer"] ??= 0.97;
// The fallback is right only when the truth is `other`: a fixed low value, whatever a handful of
// calibration examples that reached it happened to be.
steps["fallback"] = 0.05;
const modelBuckets = monotone(modelTally);

// The logistic regression over primaries (src/hashed-model.ts): trained on the same corpus, its
// buckets measured like the naive Bayes model's, with a twin trained without the withheld words.
/** The bagged regression's corpora: the training seed's, then one per further seed. */
const BAG_SEEDS = [TRAIN_SEED, TRAIN_SEED + 1, TRAIN_SEED + 2];
const shippedHashed = trainHashed([trainSet, ...BAG_SEEDS.slice(1).map((seed) => generateCorpus(prng(seed), TRAIN_SIZE))]);
const twinHashed = trainHashed(BAG_SEEDS.map((seed) => generateCorpus(prng(seed), TRAIN_SIZE, { withheld })));
const hashedTally = EDGES.map((upTo) => ({ upTo, hits: 0, n: 0 }));
const withTwinHashed = loadModel({ ...trained, calibration: { steps, model: modelBuckets } });
withTwinHashed.hashed = twinHashed;
const hashedPass = createCategoriser({ model: withTwinHashed });
for (const { tx, label } of calibration) {
  const { category } = hashedPass.categorise(tx);
  if (category.reason !== "model") continue;
  const parsed = parseDescription(tx.description, tx.merchant_name, tx.transaction_category);
  const { probability } = scorePrimaries(twinHashed, hashedFeatures(featuresOf(tx), parsed.merchantTokens, twinHashed.mask));
  const bucket = hashedTally.find((b) => probability <= b.upTo) ?? hashedTally.at(-1)!;
  bucket.hits += category.primary === primaryOf(label) ? 1 : 0;
  bucket.n++;
}
shippedHashed.config.buckets = monotone(hashedTally);

// Second pass, on real-world-like data the categoriser was not built from: the hand-labelled
// calibration set (data/calibration.jsonl, merchants in neither the dictionary, the corpus nor the
// evaluation set). The brand table and the category words were never measured by the generated
// set (its names are the category words; its brands are the dictionary's), so their confidence
// is their precision here; the model's buckets are scaled by how far its claims overshot here.
// The model step's factor is measured on the dev set too (data/dev.jsonl, session 5: online services, insurers,
// investment apps): about 80 rows instead of 31, of the kinds the calibration set lacks.
const readHand = (file: string) =>
  readFileSync(new URL(file, dataDir), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CategorisableTransaction & { label: { primary: string } });
const firstModel = loadModel({ ...trained, calibration: { steps, model: modelBuckets } });
firstModel.hashed = shippedHashed;
const firstPass = createCategoriser({ model: firstModel });
type Tally = Map<string, { hits: number; n: number; claimed: number }>;
function handPass(rows: ReturnType<typeof readHand>): Tally {
  const tally: Tally = new Map();
  for (const { label, transaction_classification: _c, ...tx } of rows) {
    const { category } = firstPass.categorise(tx);
    const key = category.reason === "lexicon" ? (category.confidence === steps["lexicon_strong"] ? "lexicon_strong" : "lexicon_weak") : category.reason;
    const t = tally.get(key) ?? { hits: 0, n: 0, claimed: 0 };
    t.hits += category.primary === label.primary ? 1 : 0;
    t.n++;
    t.claimed += category.confidence;
    tally.set(key, t);
  }
  return tally;
}
const handTally = handPass(readHand("calibration.jsonl"));
const devTally = handPass(readHand("dev.jsonl"));
const dev2Tally = handPass(readHand("dev2.jsonl"));
/**
 * A step's tally on the hand-labelled sets: the calibration set and both dev sets together (session 6:
 * the second dev set nearly doubles the rows; before it, the model's on the calibration and dev sets
 * and the others' on the calibration set alone).
 */
const hand = (key: string) => {
  const sum = { hits: 0, n: 0, claimed: 0 };
  for (const tally of [handTally, devTally, dev2Tally]) {
    const t = tally.get(key);
    if (!t) continue;
    sum.hits += t.hits;
    sum.n += t.n;
    sum.claimed += t.claimed;
  }
  return sum;
};
// Pooled with the generated set for the lexicon (both are evidence), alone for the brand table.
const brand = hand("brand");
steps["brand"] = precision(brand.hits, brand.n);
for (const key of ["lexicon_strong", "lexicon_weak"]) {
  const generated = stepTally.get(key) ?? { hits: 0, n: 0 };
  const h = hand(key);
  // The generated set's lexicon examples are the corpus's own words: weight them as 50 examples at most.
  const w = generated.n > 0 ? Math.min(1, 50 / generated.n) : 0;
  steps[key] = precision(generated.hits * w + h.hits, generated.n * w + h.n);
}
const modelHand = hand("model");
if (modelHand.n > 0) {
  // One factor for all buckets (too few examples for more): measured precision over claimed.
  // The hand pass ran the logistic regression (it answers the model step when shipped), so its buckets take the factor;
  // the naive Bayes buckets (used only by a model file without the regression) keep the generated set's measure.
  const factor = Math.min(1, (modelHand.hits + 1) / (modelHand.claimed + 2));
  shippedHashed.config.buckets = shippedHashed.config.buckets.map((b) => ({ ...b, confidence: round(b.confidence * factor) }));
  console.log(`model step on the hand set: ${modelHand.hits}/${modelHand.n}, factor ${factor.toFixed(3)}`);
}
const file: ModelFile = { ...trained, calibration: { steps, model: modelBuckets }, hashed: shippedHashed.config };
writeFileSync(new URL("model-lr.bin", dataDir), new Uint8Array(shippedHashed.weights.buffer, shippedHashed.weights.byteOffset, shippedHashed.weights.length));

writeFileSync(new URL("model.json", dataDir), `${JSON.stringify(file)}\n`);
// The training set is rebuilt from its seed on every run; write it out only when asked (4 MB).
if (process.argv.includes("--write-train")) {
  writeFileSync(new URL("train.jsonl", dataDir), trainSet.map((e) => JSON.stringify({ ...e.tx, label: e.label })).join("\n") + "\n");
}
console.log(`calibrated with a twin model that never saw ${withheld.size} category words`);
console.log(`trained on ${trainSet.length} examples, vocabulary ${Object.keys(trained.vocab).length}, ${trained.classes.length} classes`);
console.log("step precision on the calibration set:", Object.fromEntries([...stepTally].map(([k, t]) => [k, `${t.hits}/${t.n}`])));
console.log("hand calibration set:", Object.fromEntries([...handTally].map(([k, t]) => [k, `${t.hits}/${t.n} (claimed ${(t.claimed / t.n).toFixed(3)})`])));
console.log("dev set:", Object.fromEntries([...devTally].map(([k, t]) => [k, `${t.hits}/${t.n} (claimed ${(t.claimed / t.n).toFixed(3)})`])));
console.log("second dev set:", Object.fromEntries([...dev2Tally].map(([k, t]) => [k, `${t.hits}/${t.n} (claimed ${(t.claimed / t.n).toFixed(3)})`])));
console.log("regression buckets:", shippedHashed.config.buckets.map((b) => `≤${b.upTo}: ${b.confidence} (n=${b.n})`).join(", "));
console.log("model buckets:", file.calibration.model.map((b) => `≤${b.upTo}: ${b.confidence} (n=${b.n})`).join(", "));
