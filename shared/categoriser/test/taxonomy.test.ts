import { describe, expect, it } from "vitest";
import { createCategoriser, isSecondary, MERCHANTS, mapClassification, mapMcc, mccOf, PRIMARIES, primaryOf, SECONDARIES } from "../src/index";

describe("taxonomy", () => {
  it("has exactly the 21 fixed primaries, in order", () => {
    expect(PRIMARIES).toEqual([
      "income",
      "transfers",
      "housing",
      "bills_and_utilities",
      "groceries",
      "food_and_drink",
      "transport",
      "shopping",
      "entertainment",
      "health_and_fitness",
      "personal_care",
      "travel",
      "cash",
      "fees_and_charges",
      "insurance",
      "education",
      "gifts_and_donations",
      "gambling",
      "savings_and_investments",
      "taxes",
      "other",
    ]);
  });

  it("names every secondary primary/name and each belongs to a primary", () => {
    for (const s of SECONDARIES) expect(PRIMARIES).toContain(primaryOf(s));
    expect(new Set(SECONDARIES).size).toBe(SECONDARIES.length);
    expect(isSecondary("transport/fuel")).toBe(true);
    expect(isSecondary("transport")).toBe(false);
  });

  it("gives every dictionary merchant a valid category", () => {
    expect(MERCHANTS.length).toBeGreaterThan(300);
    for (const m of MERCHANTS) expect(isSecondary(m.secondary)).toBe(true);
  });
});

describe("bank classification and MCC", () => {
  it.each([
    [["Shopping", "Groceries"], "groceries/supermarkets"],
    [["Bills and Utilities", "Internet"], "bills_and_utilities/broadband_and_tv"],
    [["Auto & Transport", "Gas & Fuel"], "transport/fuel"],
    [["Food & Dining"], "food_and_drink/restaurants"],
  ])("maps %j to %s", (classification, expected) => {
    expect(mapClassification(classification)?.secondary).toBe(expected);
  });

  it("ignores empty, unknown and non-array classifications", () => {
    expect(mapClassification([])).toBeUndefined();
    expect(mapClassification(["Uncategorized"])).toBeUndefined();
    expect(mapClassification("Shopping")).toBeUndefined();
  });

  it("a classification named after Object.prototype's keys maps to nothing and categorises without throwing", () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect(mapClassification([name])).toBeUndefined();
      expect(mapClassification(["Shopping", name])?.secondary).toBe("shopping/general");
      const [c] = createCategoriser({ userId: "u1" }).categoriseBatch([
        { description: "TESCO STORES 1234", amount: -5, currency: "GBP", transaction_type: "DEBIT", transaction_classification: [name, name] },
      ]);
      expect(isSecondary(c?.category.secondary)).toBe(true);
    }
  });

  it("maps MCCs by code, then by ISO range, and reads them from meta", () => {
    expect(mapMcc(5411)).toBe("groceries/supermarkets");
    expect(mapMcc(5541)).toBe("transport/fuel");
    expect(mapMcc(3005)).toBe("travel/flights");
    expect(mapMcc(3700)).toBe("travel/hotels");
    expect(mapMcc(9950)).toBeUndefined();
    expect(mccOf({ mcc: "5812" })).toBe(5812);
    expect(mccOf({ merchant_category_code: 4121 })).toBe(4121);
    expect(mccOf({ mcc: "abc" })).toBeUndefined();
    expect(mccOf(null)).toBeUndefined();
  });
});
