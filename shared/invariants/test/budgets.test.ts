import { describe, expect, it } from "vitest";
import { budgetPeriodMisplaced, independentSpent } from "../src";

const budget = { category: "groceries", currency: "GBP", currentPeriod: { start: "2026-03-01T00:00:00.000Z", end: "2026-04-01T00:00:00.000Z" } };
const line = (extra: Record<string, unknown>) => ({
  status: "booked",
  currency: "GBP",
  direction: "debit",
  timestamp: "2026-03-10T10:00:00.000Z",
  amountMinor: -1000,
  category: { primary: "groceries" },
  ...extra,
});

describe("independentSpent", () => {
  it("adds booked debits and subtracts refunds in pence, leaving out pending, hidden, own transfers, other currencies and other periods", () => {
    const spent = independentSpent(budget, [
      line({}),
      line({ direction: "credit", amountMinor: 250 }),
      line({ status: "pending" }),
      line({ isHidden: true }),
      line({ category: { primary: "groceries", secondary: "transfers/own_accounts" } }),
      line({ currency: "EUR" }),
      line({ timestamp: "2026-04-01T00:00:00.000Z" }),
      line({ category: { primary: "transport" } }),
    ]);
    expect(spent).toBe(750);
  });

  it("never goes below zero when refunds exceed debits", () => {
    expect(independentSpent(budget, [line({ direction: "credit", amountMinor: 5000 })])).toBe(0);
  });
});

describe("budgetPeriodMisplaced", () => {
  it("accepts a period cut at London midnights across the spring change", () => {
    expect(budgetPeriodMisplaced({ currentPeriod: { start: "2026-03-01T00:00:00.000Z", end: "2026-03-31T23:00:00.000Z" } }, "Europe/London")).toBeUndefined();
  });

  it("refuses a period cut at UTC midnights while London is on summer time (01:00 there), and accepts 01:00 only where a DST change skips midnight", () => {
    const utcJune = { currentPeriod: { start: "2026-06-01T00:00:00.000Z", end: "2026-07-01T00:00:00.000Z" } };
    expect(budgetPeriodMisplaced(utcJune, "Europe/London")).toContain("period start 2026-06-01T00:00:00.000Z is 01:00 in Europe/London");
    // Santiago springs forward at midnight: 6 September 2026 begins at 01:00 (04:00Z).
    const santiagoWeek = { currentPeriod: { start: "2026-09-06T04:00:00.000Z", end: "2026-09-13T03:00:00.000Z" } };
    expect(budgetPeriodMisplaced(santiagoWeek, "America/Santiago")).toBeUndefined();
  });

  it("refuses a period cut at UTC midnight for a user in New York", () => {
    expect(budgetPeriodMisplaced(budget, "America/New_York")).toContain("not a local midnight");
  });

  it("accepts the first period after a move from London to New York, which starts where London's March ended", () => {
    const moved = { start: "2024-03-31T23:00:00.000Z", end: "2024-05-01T04:00:00.000Z" };
    const history = [{ periodId: "2024-03", start: "2024-03-01T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" }];
    expect(budgetPeriodMisplaced({ currentPeriod: moved, history }, "America/New_York")).toBeUndefined();
    expect(budgetPeriodMisplaced({ currentPeriod: moved, history: [] }, "America/New_York")).toContain("period start");
  });
});
