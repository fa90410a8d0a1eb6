import { createHash } from "node:crypto";

/** A seeded stream of numbers in [0, 1): the same key always yields the same stream. */
export interface Rng {
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** 32-bit FNV-1a of the joined parts; cheap enough to call once per generated day. */
export function hash32(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const text = parts.join("\u001f");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hex id of `length` characters derived from the parts (sha256, so ids never collide in practice). */
export function hexId(length: number, ...parts: Array<string | number>): string {
  return createHash("sha256").update(parts.join("\u001f")).digest("hex").slice(0, length);
}

/** mulberry32: tiny, fast and good enough for test data. */
export function rng(...key: Array<string | number>): Rng {
  let state = hash32(...key);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
  };
}
