import { describe, expect, it } from "vitest";
import { closeCurrentPeriod, periodContaining, recalcCurrent, tallySpending } from "../src";
import { budget, line } from "./fixtures";

// The worked example of docs/budgets.md, step by step: if this fails, fix the doc too.
describe("the example in docs/budgets.md", () => {
  it("announces 50% and 80% of March, keeps 00:00 BST on 1 April out, and closes March as documented", () => {
    const scope = { category: "groceries", currency: "GBP" };
    const march = periodContaining({ period: "monthly" }, "2024-03-10T12:00:00Z", "Europe/London");
    let b = budget({ currentPeriod: march as never });
    const lines = [line(-10_050, { timestamp: "2024-03-10T12:00:00.000Z" })];
    const step = (at: string) => {
      const out = recalcCurrent(b, tallySpending(scope, lines, b.currentPeriod), new Date(at));
      b = out.budget;
      return [b.spentMinor, out.crossed];
    };
    expect(step("2024-03-10T12:01:00Z")).toEqual([10_050, []]);
    lines.push(line(-6_000, { timestamp: "2024-03-18T09:00:00.000Z" }));
    expect(step("2024-03-18T09:01:00Z")).toEqual([16_050, [50]]);
    lines.push(line(2_500, { timestamp: "2024-03-19T09:00:00.000Z" }));
    expect(step("2024-03-19T09:01:00Z")).toEqual([13_550, []]);
    lines.push(line(-11_000, { timestamp: "2024-03-31T22:59:00.000Z" }), line(-7_000, { timestamp: "2024-03-31T23:00:00.000Z" }));
    expect(step("2024-03-31T23:01:00Z")).toEqual([24_550, [80]]);

    const closed = closeCurrentPeriod(b, tallySpending(scope, lines, b.currentPeriod), "Europe/London", new Date("2024-04-01T00:05:00Z"));
    expect(closed.entry).toMatchObject({ periodId: "2024-03", spentMinor: 24_550, limitMinor: 30_000, varianceMinor: 5_450, achieved: true });
    expect(tallySpending(scope, lines, closed.next).spentMinor).toBe(7_000);
    expect(closed.budget.aiRecommendations).toEqual({
      suggestedLimitMinor: 27_500,
      confidence: 0.17,
      reasoning: "Average spend of £245.50 over the last month, plus 10%, rounded up to £5.00.",
      basedOnPeriods: 1,
    });
  });
});
