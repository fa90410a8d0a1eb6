import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded random source: the fault driver's every decision comes from one, so a seed replays the plan. */
export interface Prng {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An independent stream for one concern (so adding a fault kind does not shift the others' draws). */
  fork(label: string): Prng;
}

/** The seed to use: `FAULT_SEED` when set (a replay), else a fresh one. */
export function seedFromEnv(env: Record<string, string | undefined> = process.env): number {
  const given = env.FAULT_SEED;
  if (given !== undefined && given !== "") {
    const n = Number(given);
    if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new RangeError(`FAULT_SEED must be an integer in [0, 4294967295], got ${given}`);
    return n;
  }
  return Math.floor(Math.random() * 0xffff_ffff);
}

function hashLabel(seed: number, label: string): number {
  // FNV-1a over the label, mixed with the seed: a stable, distinct seed per stream.
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** xoroshiro128+ from pure-rand (fast-check's generator), with the helpers the driver needs. */
export function createPrng(seed: number): Prng {
  const rng = xoroshiro128plus(seed);
  const prng: Prng = {
    seed,
    next: () => uniformFloat64(rng),
    int: (from, to) => uniformInt(rng, from, to),
    chance: (p) => uniformFloat64(rng) < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[uniformInt(rng, 0, items.length - 1)] as (typeof items)[number];
    },
    fork: (label) => createPrng(hashLabel(seed, label)),
  };
  return prng;
}
