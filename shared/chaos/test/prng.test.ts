import { describe, expect, it } from "vitest";
import { createPrng, seedFromEnv } from "../src/prng";

describe("the seeded random source", () => {
  it("gives the same draws for the same seed, so a run's plan replays", () => {
    const draw = (seed: number) => {
      const r = createPrng(seed);
      return [r.next(), r.int(1, 6), r.pick(["a", "b", "c"]), r.chance(0.5), r.fork("kills").int(0, 1000)];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("keeps forked streams independent of how much the parent drew", () => {
    const a = createPrng(7);
    const b = createPrng(7);
    for (let i = 0; i < 10; i++) b.next();
    expect(a.fork("sqs").int(0, 1e9)).toBe(b.fork("sqs").int(0, 1e9));
  });

  it("takes FAULT_SEED for a replay and refuses one that is not a 32-bit integer", () => {
    expect(seedFromEnv({ FAULT_SEED: "123" })).toBe(123);
    expect(() => seedFromEnv({ FAULT_SEED: "1.5" })).toThrow(/FAULT_SEED/);
    expect(seedFromEnv({})).toBeGreaterThanOrEqual(0);
  });
});
