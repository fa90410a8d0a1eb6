import { describe, expect, it } from "vitest";
import { CategoryRuleSchema, PRIMARIES, primaryOf, SECONDARIES } from "../src/index";

const rule = {
  ruleId: "r1",
  userId: "u1",
  match: { merchant: "COSTA" },
  category: { primary: "food_and_drink", secondary: "food_and_drink/coffee_shops" },
  source: "explicit",
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  version: 1,
};

describe("the category tree", () => {
  it("has 21 primaries and every secondary names its primary", () => {
    expect(PRIMARIES).toHaveLength(21);
    expect(SECONDARIES.every((s) => PRIMARIES.includes(primaryOf(s)) && s.startsWith(`${primaryOf(s)}/`))).toBe(true);
  });
});

describe("CategoryRuleSchema", () => {
  it("accepts a rule whose secondary belongs to its primary", () => {
    expect(CategoryRuleSchema.safeParse(rule).success).toBe(true);
  });

  it("refuses a secondary of another primary and a rule without any condition", () => {
    expect(CategoryRuleSchema.safeParse({ ...rule, category: { primary: "groceries", secondary: "food_and_drink/coffee_shops" } }).success).toBe(false);
    expect(CategoryRuleSchema.safeParse({ ...rule, match: {} }).success).toBe(false);
  });

  it("refuses a negative amount bound and min above max", () => {
    expect(CategoryRuleSchema.safeParse({ ...rule, match: { amountMinor: { min: -1 } } }).success).toBe(false);
    expect(CategoryRuleSchema.safeParse({ ...rule, match: { amountMinor: { min: 500, max: 100 } } }).success).toBe(false);
  });
});
