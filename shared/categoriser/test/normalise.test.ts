import { describe, expect, it } from "vitest";
import { merchantKey, normaliseMerchant } from "../src/index";

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
    ["CRV*GRIND COFFEE BAR", "Grind Coffee Bar"],
    ["CARD PAYMENT TO THE RED LION,12.50 GBP, RATE 1.00/GBP ON 12-03-2024", "The Red Lion"],
    ["FPO J BLOGGS REF 123456", "J Bloggs"],
    ["SO MRS A PATEL RENT", "Mrs A Patel Rent"],
    ["VIS LOCAL BAKERY 12MAR LONDON GBR", "Local Bakery"],
    ["BP MR K PATEL", "MR K Patel"],
  ])("strips processors, bank codes and terminal noise: %s → %s", (description, name) => {
    expect(normaliseMerchant(description)).toBe(name);
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
