import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { brandCount, findBrand, parseBrandTable } from "../src/brands";
import { categorise, normaliseMerchant } from "../src/index";
import { merchantTokens } from "../src/normalise";
import { purchase } from "./helpers";

const table = readFileSync(new URL("../data/brands.txt", import.meta.url), "utf8");

describe("brand table (compiled from the name-suggestion-index)", () => {
  it("ships with the licence's attribution and a few thousand UK entries, compact", () => {
    expect(table).toMatch(/name-suggestion-index/);
    expect(table).toMatch(/BSD 3-Clause/);
    expect(brandCount()).toBeGreaterThan(1500);
    expect(table.length).toBeLessThan(400_000);
  });

  it.each([
    ["CARD PAYMENT TO BOOTHS 0231 ON 14 MAR", "groceries/supermarkets"],
    ["HERON FOODS 0451 HULL", "groceries/supermarkets"],
    ["EAST OF ENGLAND CO-OP 2291 IPSWICH", "groceries/supermarkets"],
    ["INSTAVOLT 0042 BASINGSTOKE", "transport/fuel"],
    ["LAKELAND 0012 WINDERMERE", "shopping/home_and_garden"],
    ["LAS IGUANAS 0422 CARDIFF GB", "food_and_drink/restaurants"],
    ["PITCHER AND PIANO 0021 NOTTINGHAM", "food_and_drink/pubs_and_bars"],
    ["CARD PAYMENT TO LEONARDO HOTEL ON 19 MAR", "travel/hotels"],
    ["BOYLESPORTS 0012", "gambling/betting"],
  ])("finds brands nobody wrote into the dictionary: %s → %s", (description, secondary) => {
    expect(categorise(purchase(description)).category).toMatchObject({ secondary, reason: "brand" });
  });

  it("reads an item's other names too (alt_name, short names, official names), as alternative spellings", () => {
    expect(findBrand(merchantTokens("DUNKIN DONUTS"))?.entry.name).toBe("Dunkin'");
    expect(findBrand(merchantTokens("YVES SAINT LAURENT"))?.entry.name).toBe("Saint Laurent");
    expect(categorise(purchase("CHIPOTLE MEXICAN GRILL 0012 LONDON")).category).toMatchObject({ secondary: "food_and_drink/fast_food", reason: "brand" });
  });

  it("picks a brand's sub-line from a cue word (a supermarket's petrol, a fuel brand's shop is still fuel)", () => {
    const booths = findBrand(merchantTokens("BOOTHS"));
    expect(booths?.entry.subLines).toContain("transport/fuel");
    expect(categorise(purchase("BOOTHS PETROL 0012 KENDAL")).category.secondary).toBe("transport/fuel");
    expect(categorise(purchase("SHELL 0091 CROYDON")).category.primary).toBe("transport");
  });

  it("files a charity shop's direct debit as a donation and a card purchase there as shopping", () => {
    const dd = { description: "DD SUE RYDER 0021", amount: -10, currency: "GBP", transaction_type: "DEBIT", transaction_category: "DIRECT_DEBIT" };
    expect(categorise(dd).category.secondary).toBe("gifts_and_donations/charity");
    expect(categorise(purchase("SUE RYDER SHOP 0012 BEDFORD")).category.secondary).toBe("shopping/general");
  });

  it("wins over the dictionary only with a longer match that starts no later", () => {
    // The dictionary's Shell (one token) loses to the brand table's Shell Select (two).
    expect(normaliseMerchant("SHELL SELECT 0091 CROYDON")).toBe("Shell Select");
    // Equal length: the dictionary keeps its own name.
    expect(normaliseMerchant("TESCO STORES 3297")).toBe("Tesco");
  });

  it("matches surname-like and everyday-word brands only where nothing says otherwise", () => {
    // `~BOOTHS`: a name that is also a surname stands unless a category word contradicts it.
    expect(categorise(purchase("YOUNGS NEWSAGENTS CD 4804")).category.primary).toBe("groceries");
    expect(categorise(purchase("TAYLORS CURRY HOUSE 5710")).category.primary).toBe("food_and_drink");
    // `=NEXT`: an everyday word is the brand only as the whole name.
    expect(categorise(purchase("BETTER 0012 LEEDS")).category.reason).not.toBe("fallback");
    expect(findBrand(merchantTokens("BETTER HOMES CLEANING"))).toBeUndefined();
  });

  it("never looks brands up on transfers and standing orders to people", () => {
    for (const [description, category] of [
      ["FPO BOOTHS J REF DINNER", "TRANSFER"],
      ["SO M FENWICK RENT", "STANDING_ORDER"],
      ["FASTER PAYMENT TO K BOOTHS", "TRANSFER"],
    ]) {
      const tx = { description, amount: -25, currency: "GBP", transaction_type: "DEBIT", transaction_category: category };
      expect(categorise(tx).category.reason).not.toBe("brand");
    }
  });

  it("skips bad lines of a brand table instead of throwing", () => {
    const { entries } = parseBrandTable("# comment\nGood|shopping/general|GOOD SHOP|\nBad|not/a_category|BAD|\n|||\n");
    expect(entries).toBe(1);
  });
});
