import { describe, expect, it } from "vitest";
import { type CategoryRule, CategoryRuleSchema, categorise } from "../src/index";
import { purchase } from "./helpers";

const base = {
  userId: "u1",
  source: "explicit" as const,
  createdAt: "2026-01-01T00:00:00Z",
  updatedAt: "2026-01-01T00:00:00Z",
  version: 1,
};
const make = (ruleId: string, match: CategoryRule["match"], secondary: CategoryRule["category"]["secondary"], updatedAt = base.updatedAt): CategoryRule =>
  CategoryRuleSchema.parse({ ...base, ruleId, match, updatedAt, category: { primary: secondary.split("/")[0], secondary } });

describe("CategoryRuleSchema", () => {
  it("rejects rules without a condition, with a foreign secondary, or with min above max", () => {
    expect(
      CategoryRuleSchema.safeParse({ ...base, ruleId: "r", match: {}, category: { primary: "groceries", secondary: "groceries/supermarkets" } }).success,
    ).toBe(false);
    expect(
      CategoryRuleSchema.safeParse({ ...base, ruleId: "r", match: { merchant: "x" }, category: { primary: "groceries", secondary: "transport/fuel" } }).success,
    ).toBe(false);
    expect(
      CategoryRuleSchema.safeParse({
        ...base,
        ruleId: "r",
        match: { amountMinor: { min: 500, max: 100 } },
        category: { primary: "groceries", secondary: "groceries/supermarkets" },
      }).success,
    ).toBe(false);
    expect(
      CategoryRuleSchema.safeParse({
        ...base,
        ruleId: "r",
        match: { amountMinor: { min: 1.5 } },
        category: { primary: "groceries", secondary: "groceries/supermarkets" },
      }).success,
    ).toBe(false);
  });
});

describe("rule matching", () => {
  it("matches amount ranges on exact minor units of the absolute amount, bounds included", () => {
    // Prepare: £12.30 to £20.00, as pence
    const rules = [make("r-amt", { merchant: "Joes Cafe", amountMinor: { min: 1230, max: 2000 } }, "food_and_drink/restaurants")];
    const at = (amount: number | string) => categorise(purchase("SQ *JOES CAFE", amount as number), { rules }).category.reason;
    // Act / Assess
    expect(at(-12.3)).toBe("user_rule");
    expect(at("-12.30")).toBe("user_rule");
    expect(at(20)).toBe("user_rule"); // card debits are positive
    expect(at(-12.29)).not.toBe("user_rule");
    expect(at(-20.01)).not.toBe("user_rule");
  });

  it("matches contains-text whatever the apostrophes and spacing, and punctuation-only text only literally", () => {
    // Banks drop apostrophes (SAINSBURYS) and pad with spaces; users type "Joe's Cafe".
    const rules = [make("r-txt", { contains: "Joe's  Cafe" }, "food_and_drink/coffee_shops"), make("r-stars", { contains: "***" }, "other/business_services")];
    const reason = (description: string) => categorise(purchase(description), { rules }).category.ruleId;
    expect(reason("CARD PAYMENT TO JOES CAFE ON 12 MAR")).toBe("r-txt");
    expect(reason("JOE\u2019S   CAFE 0412")).toBe("r-txt");
    expect(reason("JOES CAFETERIA")).toBe("r-txt"); // contains, not whole words: as before
    expect(reason("JOE BLOGGS CAFE")).toBeUndefined();
    expect(reason("TESCO STORES")).toBeUndefined();
    expect(reason("REF ***123")).toBe("r-stars");
  });

  it("matches contains-text case-insensitively and account ids exactly", () => {
    const rules = [make("r-acc", { contains: "gym", accountId: "joint" }, "health_and_fitness/gym_and_sport")];
    expect(categorise(purchase("DD LOCAL GYM LTD", -30, { accountId: "joint" }), { rules }).category.reason).toBe("user_rule");
    expect(categorise(purchase("DD LOCAL GYM LTD", -30, { accountId: "personal" }), { rules }).category.reason).not.toBe("user_rule");
  });

  it("prefers the more specific rule, then the most recently updated", () => {
    const rules = [
      make("broad", { merchant: "Amazon" }, "shopping/general", "2026-05-01T00:00:00Z"),
      make("narrow", { merchant: "Amazon", amountMinor: { max: 999 } }, "entertainment/hobbies", "2026-01-01T00:00:00Z"),
      make("older", { merchant: "Amazon" }, "gifts_and_donations/gifts", "2026-02-01T00:00:00Z"),
    ];
    expect(categorise(purchase("AMAZON.CO.UK*1", -5), { rules }).category.ruleId).toBe("narrow");
    expect(categorise(purchase("AMAZON.CO.UK*1", -50), { rules }).category.ruleId).toBe("broad");
  });
});
