import { z } from "zod";
import { ModelFormatError } from "./errors";
import { PRIMARIES, type Primary, SECONDARIES, type Secondary } from "./taxonomy";

/**
 * The second model: multinomial logistic regression over the primaries, on hashed features (the
 * naive Bayes features plus character 3–5-grams of the merchant's words, so `TUTORFUL` and
 * `BETVICTOR` share evidence with words it was trained on). Weights are int8 in one typed array
 * (`data/model-lr.bin`, 2^16 buckets × 21 primaries), scaled by one factor.
 */
export const HashedConfigSchema = z.object({
  format: z.literal("expenzez-lr/1"),
  bits: z.number().int().min(8).max(20),
  /** Weight = int8 × scale. */
  scale: z.number().positive(),
  classes: z.array(z.enum(PRIMARIES as [Primary, ...Primary[]])),
  /** The secondary to give when the naive Bayes model has no opinion within the chosen primary. */
  defaultSecondary: z.record(z.string(), z.enum(SECONDARIES as [Secondary, ...Secondary[]])),
  /** Measured precision per bucket of the model's probability for its primary. */
  buckets: z.array(z.object({ upTo: z.number(), confidence: z.number().min(0).max(1), n: z.number().int() })),
});
export type HashedConfig = z.infer<typeof HashedConfigSchema>;

export interface HashedModel {
  config: HashedConfig;
  weights: Int8Array;
  mask: number;
}

/** Builds the model from its config and weight bytes; the sizes must agree. */
export function loadHashedModel(config: unknown, bytes: Uint8Array): HashedModel {
  const parsed = HashedConfigSchema.safeParse(config);
  if (!parsed.success) throw new ModelFormatError(`hashed model config is not expenzez-lr/1: ${parsed.error.message}`);
  const size = 1 << parsed.data.bits;
  if (bytes.length !== size * parsed.data.classes.length) throw new ModelFormatError("hashed model weights do not match its config");
  return { config: parsed.data, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length), mask: size - 1 };
}

/** FNV-1a, 32 bits: cheap, stable across runs and machines. */
export function hashFeature(text: string, mask: number): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) & mask;
}

/** Character n-gram sizes: 4 only, a third of the cost of 3–5 for the same accuracy on the calibration set. */
const GRAM_MIN = 4;
const GRAM_MAX = 4;

/** FNV-1a offset basis after the `#` that marks a character n-gram (keeps them apart from whole words). */
const GRAM_SEED = Math.imul(2166136261 ^ 35, 16777619);

/**
 * The hashed features: the given model features, and the 3–5-grams of each merchant word framed
 * `<WORD>`, hashed straight from the characters (no substrings: this runs per transaction).
 */
export function hashedFeatures(features: readonly string[], merchantTokens: readonly string[], mask: number): number[] {
  const out: number[] = [];
  for (const f of features) out.push(hashFeature(f, mask));
  for (const t of merchantTokens) {
    const len = t.length + 2;
    for (let n = GRAM_MIN; n <= GRAM_MAX; n++) {
      for (let i = 0; i + n <= len; i++) {
        let h = GRAM_SEED;
        for (let j = i; j < i + n; j++) {
          const c = j === 0 ? 60 : j === len - 1 ? 62 : t.charCodeAt(j - 1);
          h = Math.imul(h ^ c, 16777619);
        }
        out.push((h >>> 0) & mask);
      }
    }
  }
  return out;
}

const scratch = new Float64Array(PRIMARIES.length);

/**
 * The most likely primary and its probability (softmax over the primaries).
 *
 * @example scorePrimaries(model, hashedFeatures(features, ["TUTORFUL"], model.mask)) // { primary: "education", probability: 0.8 }
 */
export function scorePrimaries(model: HashedModel, hashed: readonly number[]): { primary: Primary; probability: number } {
  const c = model.config.classes.length;
  const s = scratch;
  s.fill(0, 0, c);
  const w = model.weights;
  for (const f of hashed) {
    const base = f * c;
    for (let k = 0; k < c; k++) s[k]! += w[base + k]!;
  }
  let max = Number.NEGATIVE_INFINITY;
  let best = 0;
  for (let k = 0; k < c; k++) {
    s[k]! *= model.config.scale;
    if (s[k]! > max) {
      max = s[k]!;
      best = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < c; k++) sum += Math.exp(s[k]! - max);
  return { primary: model.config.classes[best]!, probability: 1 / sum };
}

/** Calibrated confidence for a probability: the precision measured in its bucket. */
export function hashedConfidence(model: HashedModel, probability: number): number {
  for (const b of model.config.buckets) if (probability <= b.upTo) return b.confidence;
  return model.config.buckets.at(-1)?.confidence ?? 0.5;
}
