import { describe, expect, it } from "vitest";
import { figuresOf, newlyCrossed, reached } from "../src";

describe("budget figures and thresholds", () => {
  it("derives remaining, percentage and status from spent exactly", () => {
    expect(figuresOf(25_050, 30_000)).toEqual({ spentMinor: 25_050, remainingMinor: 4950, percentage: 83.5, status: "active" });
    expect(figuresOf(30_000, 30_000)).toMatchObject({ remainingMinor: 0, percentage: 100, status: "active" });
    expect(figuresOf(30_001, 30_000)).toMatchObject({ remainingMinor: -1, status: "exceeded" });
    // 29,999 of 30,000 is 99.9966…%: floored, never shown as 100.
    expect(figuresOf(29_999, 30_000).percentage).toBe(99.99);
  });

  it("reaches a threshold at exactly its share of the limit, without rounding", () => {
    expect(reached(50, 14_999, 30_000)).toBe(false);
    expect(reached(50, 15_000, 30_000)).toBe(true);
    // A third: 33% of 10,001 is 3,300.33 pence.
    expect(reached(33, 3300, 10_001)).toBe(false);
    expect(reached(33, 3301, 10_001)).toBe(true);
  });

  it("crosses several thresholds at once, lowest first", () => {
    expect(newlyCrossed([100, 50, 80], [], 31_000, 30_000)).toEqual([50, 80, 100]);
  });

  it("does not announce a threshold twice in a period, even after a refund dips below it", () => {
    expect(newlyCrossed([50, 80, 100], [50], 16_000, 30_000)).toEqual([]);
    expect(newlyCrossed([50, 80, 100], [50], 10_000, 30_000)).toEqual([]);
    expect(newlyCrossed([50, 80, 100], [50], 24_000, 30_000)).toEqual([80]);
  });
});
