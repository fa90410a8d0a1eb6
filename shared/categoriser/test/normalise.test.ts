import { describe, expect, it } from "vitest";
import { merchantKey, normaliseMerchant } from "../src/index";
import { merchantTokens } from "../src/normalise";

describe("normaliseMerchant", () => {
  it.each([
    ["CARD PAYMENT TO TESCO STORES 3297 ON 12 MAR", "Tesco"],
    ["TESCO PFS 4431 LEEDS GB", "Tesco Petrol"],
    ["AMZNMKTPLACE*2K4L55", "Amazon"],
    ["AMAZON.CO.UK*MK2JH3 AMAZON.CO.UK", "Amazon"],
    ["AMZN MKTP UK*HK2LL09", "Amazon"],
    ["PAYPAL *NETFLIX.COM", "Netflix"],
    ["UBER *EATS HELP.UBER.COM", "Uber Eats"],
    ["UBER *TRIP HELP.UBER.COM", "Uber"],
    ["DD OCTOPUS ENERGY 12345678", "Octopus Energy"],
    ["SAINSBURY'S SACAT 0871 CAMDEN", "Sainsbury's"],
    ["E.ON NEXT", "E.ON"],
    ["BP CONNECT M4 WB 0311", "BP"],
    ["WESTMINSTER CITY COUNCIL PARKING", "Council Parking"],
  ])("%s → %s", (description, name) => {
    expect(normaliseMerchant(description)).toBe(name);
  });

  it.each([
    ["SQ *JOES CAFE 0412 BRIGHTON GB", "Joes Cafe"],
    ["SUMUP *HAIR BY LISA", "Hair By Lisa"],
    ["IZ *THE CHEESE SHOP KESWICK", "The Cheese Shop Keswick"],
    ["ZTL*GREENGROCER ON THE CORNER", "Greengrocer On The Corner"],
    ["CRV*BREWHAUS COFFEE BAR", "Brewhaus Coffee Bar"],
    ["CARD PAYMENT TO THE RED LION,12.50 GBP, RATE 1.00/GBP ON 12-03-2024", "The Red Lion"],
    ["FPO J BLOGGS REF 123456", "J Bloggs"],
    ["SO MRS A PATEL RENT", "Mrs A Patel Rent"],
    ["VIS LOCAL BAKERY 12MAR LONDON GBR", "Local Bakery"],
    ["BP MR K PATEL", "MR K Patel"],
    ["PADDLE.NET* KALOWRITE", "Kalowrite"],
    ["FS *VEXOSOFT", "Vexosoft"],
  ])("strips processors, bank codes and terminal noise: %s → %s", (description, name) => {
    expect(normaliseMerchant(description)).toBe(name);
  });

  it("does not read a brand that is an everyday word into a longer local name", () => {
    // Prepare: brands named CHIP, LIME, NEXT, PLUM… and local businesses that start with the same word.
    const local = [
      "NEXT DOOR CAFE",
      "LIME STREET DENTAL",
      "CHIP SHOP 0412 LEEDS",
      "PLUM TREE NURSERY",
      "NEST PILATES STUDIO",
      "WISE OWL BOOKS",
      "THREE HORSESHOES INN",
    ];
    // Act + Assess
    for (const description of local) expect(normaliseMerchant(description)).not.toMatch(/^(Next|Lime|Chip|Plum|Nest Pensions|Wise|Three)$/);
    // The brands alone, with terminal noise, still match.
    expect(["NEXT 0412 LEEDS GB", "CHIP", "PLUM", "WISE", "THREE UK", "LIME*RIDE"].map((d) => normaliseMerchant(d))).toEqual([
      "Next",
      "Chip",
      "Plum",
      "Wise",
      "Three",
      "Lime",
    ]);
  });

  it("drops bank codes printed after the payee, so both orders group as one merchant", () => {
    expect(
      ["JOES GYM 12345678 DD", "DD JOES GYM 12345678", "JOES GYM DDR", "JOES GYM STO", "JOES GYM FP 1234"].map((d) => merchantKey(normaliseMerchant(d))),
    ).toEqual(Array(5).fill("joes gym"));
    expect(normaliseMerchant("PLUM FP 123456")).toBe("Plum");
    expect(normaliseMerchant("ACME LTD SALARY BGC")).toBe("Acme Salary");
  });

  it("knows Marks & Spencer however the terminal writes the ampersand", () => {
    expect(normaliseMerchant("CARD PAYMENT TO MARKS&SPENCER PLC SACAT ON 12 MAR")).toBe("Marks & Spencer");
    expect(normaliseMerchant("M & S SIMPLY FOOD 2101")).toBe("Marks & Spencer");
  });

  it("prefers TrueLayer's merchant_name when it is given", () => {
    expect(normaliseMerchant("CARD 1234 XYZ", "Sainsburys")).toBe("Sainsbury's");
    expect(normaliseMerchant("CARD 1234 XYZ", "Corner Deli")).toBe("Corner Deli");
  });

  it("never throws on odd input", () => {
    expect(normaliseMerchant("")).toBe("Unknown");
    expect(normaliseMerchant(undefined)).toBe("Unknown");
    expect(normaliseMerchant(42)).toBe("Unknown");
    expect(normaliseMerchant("   ***  ")).toBe("Unknown");
    expect(normaliseMerchant("CAFÉ NÉRO 221")).toBe("Caffe Nero");
    expect(normaliseMerchant("咖啡店 TESCO")).toBe("Tesco");
    expect(normaliseMerchant(`TESCO ${"X".repeat(1_000_000)}`)).toBe("Tesco");
  });
});

describe("merchantKey", () => {
  it("groups spellings of one merchant", () => {
    expect(merchantKey("Joe's Café")).toBe("joes cafe");
    expect(merchantKey("JOES  CAFE")).toBe("joes cafe");
    expect(merchantKey(null)).toBe("");
  });
});

describe("normaliser defects found on unseen merchants", () => {
  it("keeps CO in a co-operative's name while dropping it from a domain", () => {
    // `CO` is dropped as `.CO.UK` noise after the first word; in `… CO-OP` it is the name.
    expect(normaliseMerchant("CENTRAL CO-OP 4412 LINCOLN")).toBe("Co-op");
    expect(normaliseMerchant("CARD PAYMENT TO MIDCOUNTIES CO OP ON 12 MAR")).toBe("Co-op");
    expect(normaliseMerchant("AMAZON.CO.UK*MK2JH3")).toBe("Amazon");
    expect(merchantKey("SCOTMID CO-OPERATIVE")).toBe("scotmid co operative");
  });

  it("reads a lone & between single letters as part of the name", () => {
    expect(normaliseMerchant("B & M RETAIL 0412 LEEDS")).toBe("B&M");
    expect(normaliseMerchant("B & Q 1234 CROYDON")).toBe("B&Q");
    expect(normaliseMerchant("M & S SIMPLY FOOD 0412")).toBe("Marks & Spencer");
    // Between words it is still dropped.
    expect(normaliseMerchant("HOLLAND & BARRETT 3321")).toBe("Holland & Barrett");
    expect(merchantKey("B & M")).toBe("b&m");
  });

  it("keeps a longer, more specific match from the description over merchant_name", () => {
    expect(normaliseMerchant("TESCO PFS 4431 LEEDS GB", "Tesco")).toBe("Tesco Petrol");
    expect(normaliseMerchant("SAINSBURYS PETROL 0412", "Sainsbury's")).toBe("Sainsbury's Petrol");
    // merchant_name still wins a tie and names an unknown description.
    expect(normaliseMerchant("PAYPAL *XY7731", "Netflix")).toBe("Netflix");
    expect(normaliseMerchant("TESCO STORES 3297", "Tesco Express")).toBe("Tesco Express");
  });
});

describe("card-reader prefixes", () => {
  it.each([
    ["ZETTLE_*THE VILLAGE STORES", "The Village Stores"],
    ["SUMUP  *ROSIES CAFE", "Rosies Cafe"],
    ["SQ *HILLTOP BUTCHERS 0412", "Hilltop Butchers"],
    ["CARD PAYMENT TO ZTL*MARKET DELI ON 12 MAR", "Market Deli"],
  ])("drops %s's reader prefix", (description, name) => {
    expect(normaliseMerchant(description)).toBe(name);
  });
});

describe("card-terminal store numbers", () => {
  it("ends the merchant at a store number: what follows is where, not who", () => {
    expect(merchantTokens("YORK HOSTEL 0021 AMBLESIDE")).toEqual(["YORK", "HOSTEL"]);
    expect(merchantTokens("CARD PAYMENT TO 0412 JOES CAFE")).toEqual(["JOES", "CAFE"]);
    // A brand spelt with digits is no store number.
    expect(merchantTokens("BET365 LONDON")).toEqual(["BET365"]);
  });
});
