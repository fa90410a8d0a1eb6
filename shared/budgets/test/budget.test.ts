import { describe, expect, it } from "vitest";
import {
  closeCurrentPeriod,
  correctClosedPeriod,
  historyEntry,
  MAX_HISTORY,
  performanceOf,
  recalcCurrent,
  recommendationOf,
  stableEventId,
  tallySpending,
  touchedPeriods,
  withHistoryEntry,
} from "../src";
import { budget, line } from "./fixtures";

const NOW = new Date("2024-03-20T10:00:00Z");
const LONDON = "Europe/London";
const groceries = { category: "groceries", currency: "GBP" };
const tally = (pence: number) => tallySpending(groceries, [line(-pence)]);

function entry(periodId: string, spentMinor: number, limitMinor = 30_000, start = `${periodId}-01T00:00:00.000Z`) {
  return historyEntry({ periodId, start, end: start, spentMinor, limitMinor, closedAt: start });
}

describe("recalculating a budget's open period", () => {
  it("writes the new figures and announces each threshold crossed once", () => {
    const first = recalcCurrent(budget(), tally(16_000), NOW);
    expect(first.crossed).toEqual([50]);
    expect(first.budget).toMatchObject({ spentMinor: 16_000, remainingMinor: 14_000, percentage: 53.33, alertedThresholds: [50], status: "active" });
    const jump = recalcCurrent(first.budget, tally(31_000), NOW);
    expect(jump.crossed).toEqual([80, 100]);
    expect(jump.budget).toMatchObject({ status: "exceeded", alertedThresholds: [50, 80, 100] });
  });

  it("changes nothing when the tally is the same (a replay)", () => {
    const once = recalcCurrent(budget(), tally(16_000), NOW);
    const again = recalcCurrent(once.budget, tally(16_000), new Date("2024-03-21T00:00:00Z"));
    expect(again).toEqual({ budget: once.budget, crossed: [], changed: false });
  });

  it("keeps a threshold announced after a refund takes spending below it", () => {
    const over = recalcCurrent(budget(), tally(25_000), NOW).budget;
    const refunded = recalcCurrent(over, tallySpending(groceries, [line(-25_000), line(15_000)]), NOW);
    expect(refunded.crossed).toEqual([]);
    expect(refunded.budget).toMatchObject({ spentMinor: 10_000, alertedThresholds: [50, 80] });
    expect(recalcCurrent(refunded.budget, tally(25_000), NOW).crossed).toEqual([]);
  });

  it("finds the open and the closed periods a range touches", () => {
    const b = budget({
      history: [
        historyEntry({
          periodId: "2024-02",
          start: "2024-02-01T00:00:00.000Z",
          end: "2024-03-01T00:00:00.000Z",
          spentMinor: 1,
          limitMinor: 30_000,
          closedAt: "2024-03-01T00:00:00.000Z",
        }),
      ],
    });
    expect(touchedPeriods(b, { from: "2024-02-28T00:00:00Z", to: "2024-03-02T00:00:00Z" }).map((t) => t.kind)).toEqual(["closed", "current"]);
    expect(touchedPeriods(b, { from: "2024-01-01T00:00:00Z", to: "2024-01-31T00:00:00Z" })).toEqual([]);
    expect(touchedPeriods(b, "all-open").map((t) => t.kind)).toEqual(["current"]);
  });
});

describe("rolling a period over", () => {
  it("closes the period into history, starts the next one at zero and re-arms thresholds", () => {
    const spent = recalcCurrent(budget(), tally(31_000), NOW).budget;
    const closed = closeCurrentPeriod(spent, tally(31_000), LONDON, new Date("2024-04-01T00:00:00Z"));
    expect(closed.entry).toMatchObject({ periodId: "2024-03", spentMinor: 31_000, varianceMinor: -1000, achieved: false });
    expect(closed.next).toEqual({ start: "2024-03-31T23:00:00.000Z", end: "2024-04-30T23:00:00.000Z" });
    expect(closed.budget).toMatchObject({ spentMinor: 0, remainingMinor: 30_000, status: "active", alertedThresholds: [], history: [closed.entry] });
    expect(closed.budget.performance).toMatchObject({ periods: 1, averageSpentMinor: 31_000, achievementRate: 0 });
  });

  it("closes a London month in a profile now in New York under its own name, and runs on without counting a day twice", () => {
    const spent = recalcCurrent(budget(), tally(31_000), NOW).budget;
    const closed = closeCurrentPeriod(spent, tally(31_000), "America/New_York", new Date("2024-04-01T05:00:00Z"));
    expect(closed.entry).toMatchObject({ periodId: "2024-03", start: spent.currentPeriod.start, end: spent.currentPeriod.end });
    // New York's March had five hours left: they go with New York's April, from where London's March ended.
    expect(closed.next).toEqual({ start: spent.currentPeriod.end, end: "2024-05-01T04:00:00.000Z" });
    const april = closeCurrentPeriod(closed.budget, tally(1_000), "America/New_York", new Date("2024-05-01T05:00:00Z"));
    expect(april.entry.periodId).toBe("2024-04");
    expect(april.budget.history.map((h) => h.periodId)).toEqual(["2024-03", "2024-04"]);
  });

  it("closes a London month in a profile now in Tokyo under its own name, not the next month's", () => {
    const spent = recalcCurrent(budget(), tally(31_000), NOW).budget;
    // London's March ends at 08:00 on Tokyo's 1 April: its last instant is in Tokyo's April.
    const closed = closeCurrentPeriod(spent, tally(31_000), "Asia/Tokyo", new Date("2024-04-01T00:00:00Z"));
    expect(closed.entry.periodId).toBe("2024-03");
    expect(closed.next).toEqual({ start: spent.currentPeriod.end, end: "2024-04-30T15:00:00.000Z" });
    const april = closeCurrentPeriod(closed.budget, tally(1_000), "Asia/Tokyo", new Date("2024-04-30T15:00:00Z"));
    expect(april.budget.history.map((h) => h.periodId)).toEqual(["2024-03", "2024-04"]);
  });

  it("closes a non-recurring budget for good", () => {
    const closed = closeCurrentPeriod(budget({ isRecurring: false }), tally(100), LONDON, new Date("2024-04-01T00:00:00Z"));
    expect(closed.next).toBeUndefined();
    expect(closed.budget.status).toBe("closed");
    expect(touchedPeriods(closed.budget, "all-open")).toEqual([]);
    expect(recalcCurrent(closed.budget, tally(99_999), NOW).crossed).toEqual([]);
  });

  it("corrects a closed period after a late transaction without announcing anything", () => {
    const closed = closeCurrentPeriod(budget(), tally(20_000), LONDON, new Date("2024-04-01T00:00:00Z")).budget;
    const old = closed.history[0];
    if (!old) throw new Error("no history");
    const corrected = correctClosedPeriod(closed, old, tally(32_000), new Date("2024-04-03T00:00:00Z"));
    expect(corrected.changed).toBe(true);
    expect(corrected.budget.history[0]).toMatchObject({ spentMinor: 32_000, varianceMinor: -2000, achieved: false, closedAt: old.closedAt });
    expect(corrected.budget.performance?.achievementRate).toBe(0);
    expect(corrected.budget.alertedThresholds).toEqual([]);
    expect(correctClosedPeriod(corrected.budget, corrected.budget.history[0] as never, tally(32_000), NOW).changed).toBe(false);
  });

  it("keeps history ordered, replaces an entry of the same period and bounds its length", () => {
    let history = [entry("2024-02", 2), entry("2024-01", 1)].sort((a, b) => a.start.localeCompare(b.start));
    history = withHistoryEntry(history, entry("2024-01", 5));
    expect(history.map((h) => [h.periodId, h.spentMinor])).toEqual([
      ["2024-01", 5],
      ["2024-02", 2],
    ]);
    for (let i = 0; i < MAX_HISTORY + 5; i++) history = withHistoryEntry(history, entry(String(2030 + i), i, 30_000, `${2030 + i}-01-01T00:00:00.000Z`));
    expect(history).toHaveLength(MAX_HISTORY);
  });
});

describe("performance and the suggested limit", () => {
  const months = [20_000, 22_000, 21_000, 30_000, 32_000, 31_000].map((s, i) => entry(`2024-0${i + 1}`, s));

  it("computes average, achievement rate, best, worst and an upward trend", () => {
    expect(performanceOf(months)).toEqual({
      periods: 6,
      averageSpentMinor: 26_000,
      trend: "increasing",
      // 30,000 of 30,000 is within the limit: 4 of 6.
      achievementRate: 0.6667,
      best: { periodId: "2024-01", spentMinor: 20_000 },
      worst: { periodId: "2024-05", spentMinor: 32_000 },
    });
    expect(performanceOf([...months].reverse().map((h, i) => ({ ...h, start: `2025-0${i + 1}-01T00:00:00.000Z` })))?.trend).toBe("decreasing");
    expect(performanceOf([entry("2024-01", 100), entry("2024-02", 105)])?.trend).toBe("stable");
    expect(performanceOf([])).toBeUndefined();
  });

  it("suggests the average plus 10% rounded up to £5, surer with steady spending", () => {
    const steady = [29_870, 29_870, 29_870].map((s, i) => entry(`2024-0${i + 1}`, s));
    const rec = recommendationOf(steady, "monthly", "GBP");
    // 298.70 × 1.1 = 328.57 → £330.
    expect(rec).toMatchObject({ suggestedLimitMinor: 33_000, basedOnPeriods: 3, confidence: 0.5 });
    expect(rec?.reasoning).toBe("Average spend of £298.70 over the last 3 months, plus 10%, rounded up to £5.00.");
    const varied = recommendationOf(months, "monthly", "GBP");
    expect(varied?.confidence).toBeGreaterThan(0);
    expect(varied?.confidence).toBeLessThan(1);
    expect(recommendationOf([entry("2024-01", 0)], "weekly", "GBP")).toMatchObject({ suggestedLimitMinor: 500, confidence: 0 });
  });
});

describe("event ids", () => {
  it("are stable UUIDs per (budget, period, threshold)", () => {
    const a = stableEventId("threshold", "u1", "b1", "2024-03-01T00:00:00.000Z", "80");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableEventId("threshold", "u1", "b1", "2024-03-01T00:00:00.000Z", "80")).toBe(a);
    expect(stableEventId("threshold", "u1", "b1", "2024-03-01T00:00:00.000Z", "100")).not.toBe(a);
  });
});
