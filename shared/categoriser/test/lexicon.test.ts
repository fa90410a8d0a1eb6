import { describe, expect, it } from "vitest";
import { categorise } from "../src/index";
import { LEXICON, lexiconCategory } from "../src/lexicon";
import { isSecondary } from "../src/taxonomy";
import { purchase } from "./helpers";

describe("category-word lexicon", () => {
  it("gives every word a valid category and a weight in (0, 1], with no word listed twice", () => {
    const seen = new Set<string>();
    for (const l of LEXICON) {
      expect(isSecondary(l.secondary)).toBe(true);
      expect(l.weight).toBeGreaterThan(0);
      expect(l.weight).toBeLessThanOrEqual(1);
      expect(seen.has(l.word)).toBe(false);
      seen.add(l.word);
    }
  });

  it.each([
    ["SUMUP *ROSIES CAFE", "food_and_drink/coffee_shops"],
    ["SQ *HILLTOP BUTCHERS", "groceries/specialist_food"],
    ["ZETTLE_*MARKET DELI", "groceries/specialist_food"],
    ["SQ *KINGSWAY DENTAL", "health_and_fitness/dental"],
    ["SUMUP *THE BARBER SHOP", "personal_care/hair_and_beauty"],
    ["SQ *KWIK AUTOS GARAGE", "transport/car_maintenance"],
    ["CARD PAYMENT TO ABC TAXIS ON 11 NOV", "transport/taxis_and_rideshare"],
    ["SQ *PATEL PHARMACY", "health_and_fitness/pharmacy"],
    ["SQ *CLEARVIEW OPTICIANS", "health_and_fitness/optical"],
    ["ZETTLE_*PAWS VETS", "shopping/pets"],
    ["SQ *THE OLD RECTORY B&B", "travel/hotels"],
    ["SQ *LITTLE ACORNS NURSERY", "education/childcare"],
    ["SQ *BRIGHT SPARKS TUTORS", "education/tuition"],
    ["SQ *PETALS FLORIST", "gifts_and_donations/gifts"],
    ["SUMUP *STAR COACHES", "transport/public_transport"],
    ["SQ *SEAVIEW HOTEL", "travel/hotels"],
  ])("names what a business is behind a card-reader prefix: %s → %s", (description, secondary) => {
    expect(categorise(purchase(description)).category).toMatchObject({ secondary, reason: "lexicon" });
  });

  it("reads two-word phrases before their words", () => {
    expect(lexiconCategory(["THE", "NAIL", "BAR"])?.secondary).toBe("personal_care/hair_and_beauty");
    expect(lexiconCategory(["HOSPITAL", "CAR", "PARK"])?.secondary).toBe("transport/parking");
  });

  it("weighs the last word of a name above an earlier one and stays out when words disagree as strongly", () => {
    expect(lexiconCategory(["CAFE", "ROUGE", "PIZZERIA"])?.secondary).toBe("food_and_drink/restaurants");
    expect(lexiconCategory(["CAFE", "RESTAURANT"])?.secondary).toBe("food_and_drink/restaurants");
    expect(lexiconCategory(["JOES", "AUTOS"])).toMatchObject({ secondary: "transport/car_maintenance" });
    expect(lexiconCategory(["QWERTY", "LTD"])).toBeUndefined();
  });

  it("reads an insurer's name as insurance whatever else it names, its other words picking the line", () => {
    expect(lexiconCategory(["PURELY", "PETS", "INSURANCE"])).toEqual({ secondary: "insurance/pet", score: 1 });
    expect(lexiconCategory(["KINGS", "MOTOR", "INSURANCE"])?.secondary).toBe("insurance/car");
    expect(lexiconCategory(["NORTHGATE", "LIFE", "ASSURANCE"])?.secondary).toBe("insurance/life");
    expect(lexiconCategory(["FREEDOM", "HEALTH", "INS"])?.secondary).toBe("insurance/health");
    expect(lexiconCategory(["ALL", "CLEAR", "TRAVEL", "INS"])?.secondary).toBe("insurance/travel");
    expect(lexiconCategory(["HARBOUR", "UNDERWRITING"])?.secondary).toBe("insurance/home");
    // INS, the statements' cut of INSURANCE, counts only as the last word.
    expect(lexiconCategory(["INS", "CAFE"])?.secondary).toBe("food_and_drink/coffee_shops");
    expect(categorise({ ...purchase("DD PURELY PETS INSURANCE"), transaction_category: "DIRECT_DEBIT" }).category).toMatchObject({
      secondary: "insurance/pet",
      reason: "lexicon",
    });
  });

  it("reads the words charities name themselves with, the vaguer ones only as the last word", () => {
    expect(lexiconCategory(["ST", "ANNES", "HOSPICE"])?.secondary).toBe("gifts_and_donations/charity");
    expect(lexiconCategory(["WILDCAT", "SANCTUARY"])?.secondary).toBe("gifts_and_donations/charity");
    expect(lexiconCategory(["MEADOW", "DONKEY", "RESCUE"])?.secondary).toBe("gifts_and_donations/charity");
    expect(lexiconCategory(["ROYAL", "BRITISH", "LEGION"])?.secondary).toBe("gifts_and_donations/charity");
    expect(lexiconCategory(["VALLEY", "RIVERS", "TRUST"])?.secondary).toBe("gifts_and_donations/charity");
    // TRUST earlier in the name is too weak a hint; SOCIETY names delis and lenders as well as charities.
    expect(lexiconCategory(["TRUST", "ELECTRICS"])).toBeUndefined();
    expect(lexiconCategory(["THE", "CHEESE", "SOCIETY"])?.secondary).not.toBe("gifts_and_donations/charity");
  });

  it("reads a regional co-operative society as a food store, however the statement spells it", () => {
    for (const tokens of [
      ["MIDCOUNTIES", "COOPERATIVE"],
      ["HEARTWOOD", "CO", "OP"],
      ["HEARTWOOD", "CO", "OPERATIVE"],
    ])
      expect(lexiconCategory(tokens)?.secondary).toBe("groceries/supermarkets");
  });

  it("does not read category words into payments to people", () => {
    const so = { description: "SO J BAKER CAFE RENT", amount: -400, currency: "GBP", transaction_type: "DEBIT", transaction_category: "STANDING_ORDER" };
    expect(categorise(so).category.reason).not.toBe("lexicon");
  });
});

describe("category words inside run-together names", () => {
  it("reads a long category word at the start or end of the last word, at reduced weight", () => {
    expect(lexiconCategory(["MYTUTOR"])).toMatchObject({ secondary: "education/tuition" });
    expect(lexiconCategory(["BEAUTYWORKS"])).toMatchObject({ secondary: "personal_care/hair_and_beauty" });
    expect(lexiconCategory(["MYTUTOR"])!.score).toBeLessThan(lexiconCategory(["TUTOR"])!.score);
  });

  it("ignores short words inside names and run-together words that are not last", () => {
    // DELI inside DELIVEROO, CAFE inside CAFERIO: four letters are too few to tell.
    expect(lexiconCategory(["DELIVEROOS"])).toBeUndefined();
    expect(lexiconCategory(["MYTUTOR", "HOLDINGS"])).toBeUndefined();
  });
});

describe("category words and TrueLayer's classification", () => {
  it("prefers a category word in the name to a top class alone, but not to a subclass", () => {
    const top = purchase("SUMUP *HILLTOP BUTCHERS", -12, { transaction_classification: ["Shopping"] });
    expect(categorise(top).category).toMatchObject({ secondary: "groceries/specialist_food", reason: "lexicon" });
    const sub = purchase("SUMUP *HILLTOP BUTCHERS", -12, { transaction_classification: ["Shopping", "Groceries"] });
    expect(categorise(sub).category).toMatchObject({ secondary: "groceries/supermarkets", reason: "classification" });
  });

  it("lets a fully specific last word overrule a subclass of another primary, but not a hint", () => {
    const wrong = purchase("SUMUP *THE OLD FORGE DENTAL", -40, { transaction_classification: ["Entertainment", "Amusement"] });
    expect(categorise(wrong).category).toMatchObject({ secondary: "health_and_fitness/dental", reason: "lexicon" });
    const hint = purchase("SUMUP *THE OLD FORGE KITCHEN", -40, { transaction_classification: ["Entertainment", "Amusement"] });
    expect(categorise(hint).category.reason).toBe("classification");
  });

  it("reads the word before a generic last word (STORE, SHOP, CO) as the name's last", () => {
    expect(lexiconCategory(["ACME", "DRUGSTORE", "CO"])).toMatchObject({ secondary: "health_and_fitness/pharmacy", score: 0.6 });
    expect(lexiconCategory(["ACME", "DRUGSTORE", "HOLDINGS"])).toBeUndefined();
  });
});
