import { readFileSync } from "node:fs";
import { z } from "zod";
import { ModelFormatError } from "./errors";
import { type HashedModel, loadHashedModel } from "./hashed-model";
import { PRIMARIES, type Primary, primaryOf, SECONDARIES, type Secondary } from "./taxonomy";

/** Score buckets of the model's probability for its primary, with the precision measured in each. */
const BucketSchema = z.object({ upTo: z.number(), confidence: z.number().min(0).max(1), n: z.number().int() });

/** The JSON file `pnpm run train` writes: naive Bayes counts plus the calibration table. */
export const ModelFileSchema = z.object({
  format: z.literal("expenzez-nb/1"),
  alpha: z.number().positive(),
  classes: z.array(z.enum(SECONDARIES as [Secondary, ...Secondary[]])),
  /** Training documents per class. */
  docs: z.array(z.number().int().nonnegative()),
  /** Token occurrences per class. */
  totals: z.array(z.number().int().nonnegative()),
  /** token → [classIndex, count, classIndex, count, …]; checked while loading, zod would take 50 ms here. */
  vocab: z.custom<Record<string, number[]>>((v) => typeof v === "object" && v !== null && !Array.isArray(v)),
  calibration: z.object({
    steps: z.record(z.string(), z.number().min(0).max(1)),
    model: z.array(BucketSchema),
  }),
  trainedOn: z.object({ examples: z.number().int(), seed: z.number().int() }),
  /** The logistic regression's config (`src/hashed-model.ts`); its weights are in `model-lr.bin`. */
  hashed: z.unknown().optional(),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

/** One step of the meta-feature trie: the scores when the path ends here, and the next features. */
export interface MetaNode {
  next: Map<string, MetaNode>;
  entry?: { scores: Float64Array; known: number };
}

/**
 * A loaded model, ready to score. Naive Bayes in sparse form: a word adds log((n + α) / α) only to
 * the classes it was seen with, and every known word adds each class's base log(α / (N + αV)).
 */
export interface Model {
  classes: Secondary[];
  /** Index of each class's primary in PRIMARIES. */
  primaryOfClass: Int32Array;
  logPrior: Float64Array;
  base: Float64Array;
  /** token → its slice [offsets[i], offsets[i + 1]) of `classOf` / `delta`. */
  tokenIndex: Map<string, number>;
  offsets: Int32Array;
  classOf: Int32Array;
  delta: Float64Array;
  steps: Record<string, number>;
  buckets: { upTo: number; confidence: number }[];
  /** Prior plus the meta features' evidence, per meta combination (direction, bank category, amount size). */
  /** The meta features' scores, as a trie over them in order (`~D` → `#PURCHASE` → `$2`). */
  metaCache: MetaNode;
  /** Nodes in the trie, bounded by META_CACHE_LIMIT. */
  metaCacheNodes: number;
  /** The logistic regression that picks the primary, when shipped (the naive Bayes then picks the secondary within it). */
  hashed?: HashedModel;
}

export interface Prediction {
  primary: Primary;
  secondary: Secondary;
  /** The model's own probability for the primary (not calibrated). */
  score: number;
}

/**
 * Builds a model from the parsed JSON file.
 *
 * @example const model = loadModel(JSON.parse(readFileSync("model.json", "utf8")));
 */
export function loadModel(raw: unknown): Model {
  const parsed = ModelFileSchema.safeParse(raw);
  if (!parsed.success) throw new ModelFormatError(`model file is not expenzez-nb/1: ${parsed.error.message}`);
  const file = parsed.data;
  const c = file.classes.length;
  if (file.docs.length !== c || file.totals.length !== c) throw new ModelFormatError("model docs/totals do not match its classes");
  const tokens = Object.keys(file.vocab);
  const v = tokens.length;
  const totalDocs = file.docs.reduce((a, b) => a + b, 0);
  const logPrior = new Float64Array(c);
  const base = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    logPrior[i] = Math.log((file.docs[i]! + 1) / (totalDocs + c));
    base[i] = Math.log(file.alpha / (file.totals[i]! + file.alpha * v));
  }
  let pairs = 0;
  for (const t of tokens) {
    const entry = file.vocab[t];
    if (!Array.isArray(entry) || entry.length % 2 !== 0) throw new ModelFormatError(`model vocabulary entry ${t} is not [class, count, …]`);
    pairs += entry.length / 2;
  }
  const tokenIndex = new Map<string, number>();
  const offsets = new Int32Array(v + 1);
  const classOf = new Int32Array(pairs);
  const delta = new Float64Array(pairs);
  let at = 0;
  tokens.forEach((t, i) => {
    tokenIndex.set(t, i);
    offsets[i] = at;
    const entry = file.vocab[t]!;
    for (let j = 0; j < entry.length; j += 2) {
      const k = entry[j];
      const count = entry[j + 1];
      if (!Number.isInteger(k) || k! < 0 || k! >= c || !Number.isInteger(count) || count! < 0) {
        throw new ModelFormatError(`model vocabulary entry ${t} has a bad class or count`);
      }
      classOf[at] = k!;
      delta[at] = Math.log((count! + file.alpha) / file.alpha);
      at++;
    }
  });
  offsets[v] = at;
  const primaryOfClass = Int32Array.from(file.classes, (s) => PRIMARIES.indexOf(primaryOf(s)));
  return {
    classes: file.classes,
    primaryOfClass,
    logPrior,
    base,
    tokenIndex,
    offsets,
    classOf,
    delta,
    steps: file.calibration.steps,
    buckets: file.calibration.model,
    metaCache: { next: new Map() },
    metaCacheNodes: 0,
  };
}

let shipped: Model | undefined;

/**
 * A model file with its logistic regression weights (`model-lr.bin` beside it) when its config
 * names one.
 *
 * @example const model = loadModelFiles(new URL("../data/", import.meta.url));
 */
export function loadModelFiles(dir: URL): Model {
  const raw = JSON.parse(readFileSync(new URL("model.json", dir), "utf8")) as { hashed?: unknown };
  const model = loadModel(raw);
  if (raw.hashed !== undefined) model.hashed = loadHashedModel(raw.hashed, readFileSync(new URL("model-lr.bin", dir)));
  return model;
}

/** The model shipped in `data/` (naive Bayes and logistic regression), loaded once on first use. */
export function shippedModel(): Model {
  shipped ??= loadModelFiles(new URL("../data/", import.meta.url));
  return shipped;
}

const primaryScratch = new Float64Array(PRIMARIES.length);
const bestClassScratch = new Int32Array(PRIMARIES.length);
const scratchByModel = new WeakMap<Model, Float64Array>();
/** Odd bank categories could make endless combinations: past this many trie nodes, compute without caching. */
const META_CACHE_LIMIT = 2000;

function isMeta(feature: string): boolean {
  const c0 = feature.charCodeAt(0);
  return c0 === 126 || c0 === 35 || c0 === 36; // ~ # $
}

function addEvidence(model: Model, scores: Float64Array, i: number): void {
  for (let j = model.offsets[i]!, end = model.offsets[i + 1]!; j < end; j++) scores[model.classOf[j]!]! += model.delta[j]!;
}

/** The prior plus the meta features' evidence: they touch every class, so it is worth computing once. */
function metaScores(model: Model, features: readonly string[]): { scores: Float64Array; known: number } {
  // The cache is a trie over the meta features in order (`~D` → `#PURCHASE` → `$2`): no key text is built per call.
  let node = model.metaCache;
  for (const f of features) {
    if (!isMeta(f)) continue;
    let next = node.next.get(f);
    if (!next) {
      next = { next: new Map() };
      // Odd bank categories could make endless combinations: past the limit, a new path is computed but not kept.
      if (model.metaCacheNodes < META_CACHE_LIMIT) {
        node.next.set(f, next);
        model.metaCacheNodes++;
      }
    }
    node = next;
  }
  if (node.entry) return node.entry;
  const scores = model.logPrior.slice();
  let known = 0;
  for (const f of features) {
    if (!isMeta(f)) continue;
    const i = model.tokenIndex.get(f);
    if (i === undefined) continue;
    known++;
    addEvidence(model, scores, i);
  }
  const entry = { scores, known };
  node.entry = entry;
  return entry;
}

/**
 * The most likely category for the features, or undefined when no feature word is known (the
 * direction and amount alone say nothing worth a guess). With `within`, the best class of that
 * primary when the model has any evidence for one.
 */
export function predict(model: Model, features: readonly string[], within?: Primary): Prediction | undefined {
  let scores = scratchByModel.get(model);
  if (!scores) {
    // Reused across calls: allocating typed arrays per call costs more than the maths.
    scores = new Float64Array(model.classes.length);
    scratchByModel.set(model, scores);
  }
  const start = metaScores(model, features);
  scores.set(start.scores);
  let known = start.known;
  let words = 0;
  for (const f of features) {
    if (isMeta(f)) continue;
    const i = model.tokenIndex.get(f);
    if (i === undefined) continue;
    known++;
    words++;
    addEvidence(model, scores, i);
  }
  if (words === 0) return undefined;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < scores.length; i++) {
    scores[i]! += known * model.base[i]!;
    if (scores[i]! > max) max = scores[i]!;
  }
  const byPrimary = primaryScratch.fill(0);
  const bestOfPrimary = bestClassScratch.fill(-1);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    // Classes e^20 behind add nothing measurable; skipping exp also avoids slow subnormals.
    const d = scores[i]! - max;
    if (d < -20) continue;
    const p = Math.exp(d);
    sum += p;
    const k = model.primaryOfClass[i]!;
    byPrimary[k]! += p;
    const best = bestOfPrimary[k]!;
    if (best < 0 || scores[i]! > scores[best]!) bestOfPrimary[k] = i;
  }
  let bestPrimary = 0;
  for (let i = 1; i < byPrimary.length; i++) if (byPrimary[i]! > byPrimary[bestPrimary]!) bestPrimary = i;
  // Asked for the best class within a primary another model chose: that class, if it has one.
  const forced = within === undefined ? -1 : PRIMARIES.indexOf(within);
  if (forced >= 0 && bestOfPrimary[forced]! >= 0) bestPrimary = forced;
  const bestClass = bestOfPrimary[bestPrimary]!;
  return { primary: PRIMARIES[bestPrimary]!, secondary: model.classes[bestClass]!, score: byPrimary[bestPrimary]! / sum };
}

/** Calibrated confidence for a model score: the precision measured in its bucket on held-out data. */
export function modelConfidence(model: Model, score: number): number {
  for (const b of model.buckets) if (score <= b.upTo) return b.confidence;
  return model.buckets.at(-1)?.confidence ?? 0.5;
}
