import { createHash } from "node:crypto";
import { seededRandom } from "@expenzez/common";

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

/** The key's stream (mulberry32 seeded with the key's hash): tiny, fast and good enough for test data. */
export function rng(...key: Array<string | number>): Rng {
  const next = seededRandom(hash32(...key));
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
