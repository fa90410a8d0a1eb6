import type { CustomRule } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { firstMatchingRule, orderRules, ruleMatches } from "../src/rules";

const r = (ruleId: string, over: Partial<CustomRule>): CustomRule => ({
  ruleId,
  field: "merchant",
  operator: "contains",
  value: "tesco",
  action: "notify",
  priority: 0,
  enabled: true,
  ...over,
});

describe("custom rules", () => {
  it("compares amounts by absolute minor units with greater_than, less_than and equals", () => {
    const facts = { amountMinor: -50_000 };
    expect(ruleMatches(r("a", { field: "amount", operator: "greater_than", value: 49_999 }), facts)).toBe(true);
    expect(ruleMatches(r("a", { field: "amount", operator: "greater_than", value: 50_000 }), facts)).toBe(false);
    expect(ruleMatches(r("a", { field: "amount", operator: "less_than", value: 50_001 }), facts)).toBe(true);
    expect(ruleMatches(r("a", { field: "amount", operator: "equals", value: 50_000 }), facts)).toBe(true);
    expect(ruleMatches(r("a", { field: "amount", operator: "equals", value: "50000" }), facts)).toBe(false);
  });

  it("compares text case-insensitively with equals and contains, and never with greater_than", () => {
    const facts = { merchant: "TESCO STORES", category: "Groceries", frequency: "monthly" };
    expect(ruleMatches(r("a", { value: "Tesco" }), facts)).toBe(true);
    expect(ruleMatches(r("a", { operator: "equals", value: "tesco stores" }), facts)).toBe(true);
    expect(ruleMatches(r("a", { operator: "equals", value: "tesco" }), facts)).toBe(false);
    expect(ruleMatches(r("a", { field: "category", operator: "equals", value: "groceries" }), facts)).toBe(true);
    expect(ruleMatches(r("a", { field: "frequency", operator: "greater_than", value: "a" }), facts)).toBe(false);
  });

  it("tries higher priority first, dont_notify before notify at equal priority, then by id, and skips disabled rules", () => {
    const rules = [
      r("c-notify", { priority: 1 }),
      r("b-dont", { priority: 1, action: "dont_notify" }),
      r("a-low", { priority: 0, action: "dont_notify" }),
      r("z-top", { priority: 5, enabled: false }),
      r("d-notify", { priority: 1 }),
    ];
    expect(orderRules(rules).map((x) => x.ruleId)).toEqual(["b-dont", "c-notify", "d-notify", "a-low"]);
    expect(firstMatchingRule(rules, { merchant: "Tesco" })?.ruleId).toBe("b-dont");
    expect(firstMatchingRule([r("x", { priority: 2, value: "aldi" }), ...rules], { merchant: "Tesco" })?.ruleId).toBe("b-dont");
    expect(firstMatchingRule(rules, { merchant: "Aldi" })).toBeUndefined();
  });
});
