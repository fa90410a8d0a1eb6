import { describe, expect, it } from "vitest";
import { classifyLine, tallySpending } from "../src";
import { line } from "./fixtures";

const groceries = { category: "groceries", currency: "GBP" };

describe("what counts toward a budget", () => {
  it("nets refunds in the category against debits, in exact pence", () => {
    const tally = tallySpending(groceries, [line(-1999), line(-1), line(-10_000), line(500)]);
    expect(tally).toMatchObject({ spentMinor: 11_500, debitsMinor: 12_000, refundsMinor: 500, counted: 4 });
  });

  it("never goes below zero when refunds exceed spending", () => {
    expect(tallySpending(groceries, [line(-1000), line(2500)]).spentMinor).toBe(0);
  });

  it("leaves out pending, hidden and own-account transfers, and says why", () => {
    const tally = tallySpending(groceries, [
      line(-1000),
      line(-2000, { status: "pending" }),
      line(-3000, { isHidden: true }),
      line(-4000, { category: { primary: "groceries", secondary: "transfers/own_accounts" } }),
      line(-5000, { category: { primary: "groceries", reason: "own_transfer" } }),
    ]);
    expect(tally.spentMinor).toBe(1000);
    expect(tally.excluded).toEqual({ pending: 1, hidden: 1, own_transfer: 2 });
  });

  it("reports transactions in another currency instead of adding them", () => {
    const tally = tallySpending(groceries, [line(-1000), line(-2500, { currency: "EUR" }), line(300, { currency: "EUR" })]);
    expect(tally.spentMinor).toBe(1000);
    expect(tally.otherCurrencies).toEqual([{ currency: "EUR", lines: 2, netMinor: 2200 }]);
  });

  it("counts only the chosen subcategories, written either way", () => {
    const scope = { ...groceries, subcategories: ["supermarkets", "groceries/specialist_food"] };
    const tally = tallySpending(scope, [
      line(-1000),
      line(-200, { secondary: "groceries/specialist_food" }),
      line(-4000, { secondary: "groceries/convenience" }),
      line(-50, { category: { primary: "groceries" } }),
    ]);
    expect(tally.spentMinor).toBe(1200);
    expect(tally.excluded.other_subcategory).toBe(2);
  });

  it("ignores another category and lines outside the period", () => {
    const period = { start: "2024-03-01T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" };
    expect(classifyLine(groceries, line(-100, { category: { primary: "shopping" } }))).toEqual({ counts: false, reason: "other_category" });
    expect(classifyLine(groceries, line(-100, { timestamp: "2024-03-31T23:00:00.000Z" }), period)).toEqual({ counts: false, reason: "outside_period" });
    expect(classifyLine(groceries, line(-100, { timestamp: "2024-03-31T22:59:59.999Z" }), period)).toEqual({ counts: true, as: "debit" });
  });
});
