import { seededRandom } from "@expenzez/common";

/** A seeded PRNG (mulberry32) so generated data is the same on every machine. */
export const prng: (seed: number) => () => number = seededRandom;

export type Rand = () => number;

export const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
export const chance = (rand: Rand, p: number): boolean => rand() < p;
export const int = (rand: Rand, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
export const digits = (rand: Rand, n: number): string => Array.from({ length: n }, () => Math.floor(rand() * 10)).join("");
