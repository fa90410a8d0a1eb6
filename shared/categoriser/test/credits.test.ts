import { describe, expect, it } from "vitest";
import { type CategorisableTransaction, categorise } from "../src/index";

const credit = (description: string, extra: Partial<CategorisableTransaction> = {}): CategorisableTransaction => ({
  description,
  amount: 24.99,
  currency: "GBP",
  transaction_type: "CREDIT",
  transaction_category: "CREDIT",
  ...extra,
});

describe("refunds and other credits", () => {
  it.each([
    ["ZARA UK REFUND", "shopping/clothing"],
    ["REFUND FROM ASOS", "shopping/clothing"],
    ["JUST EAT REFUND", "food_and_drink/takeaway_and_delivery"],
    ["TRAINLINE REFUND 88123", "transport/public_transport"],
    ["EASYJET REVERSAL", "travel/flights"],
    ["AMAZON.CO.UK REFUND", "shopping/online_marketplaces"],
  ])("a refund from a known merchant takes its spending category: %s → %s", (description, secondary) => {
    expect(categorise(credit(description)).category).toMatchObject({ secondary, reason: "merchant" });
  });

  it("treats a card credit from a shop as the refund it is", () => {
    expect(categorise(credit("ZARA 0412 LEEDS", { transaction_category: "PURCHASE" })).category.secondary).toBe("shopping/clothing");
  });

  it("files tax refunds under taxes, with or without a named tax office", () => {
    expect(categorise(credit("HMRC TAX REFUND")).category.primary).toBe("taxes");
    expect(categorise(credit("HMRC")).category.primary).toBe("taxes");
    expect(categorise(credit("BGC TAX REFUND 2025")).category).toMatchObject({ secondary: "taxes/income_tax", reason: "bank_signal" });
  });

  it("keeps betting withdrawals in gambling", () => {
    expect(categorise(credit("BET365 WITHDRAWAL")).category.primary).toBe("gambling");
    expect(categorise(credit("PADDY POWER")).category.primary).toBe("gambling");
  });

  it.each(["CASH DEPOSIT BRANCH 0412", "CHEQUE DEPOSIT", "CHQ IN 000123", "PAID IN AT POST OFFICE CASH", "PAID IN AT POST OFFICE", "COUNTER CREDIT LEEDS"])(
    "files a cash or cheque deposit under cash: %s",
    (description) => {
      expect(categorise(credit(description)).category).toMatchObject({ secondary: "cash/deposits", reason: "bank_signal" });
    },
  );

  it("reads TrueLayer's CASH and CHEQUE categories on a credit as a deposit", () => {
    expect(categorise(credit("LEEDS 0412", { transaction_category: "CHEQUE" })).category.secondary).toBe("cash/deposits");
  });

  it("keeps wages, pensions and payouts from merchants as income", () => {
    expect(categorise(credit("BGC TESCO STORES SALARY")).category.secondary).toBe("income/salary");
    expect(categorise(credit("VINTED PAYOUT")).category.secondary).toBe("income/other_income");
    expect(categorise(credit("EBAY PAYOUT")).category.primary).toBe("income");
  });

  it("files a refund from an unknown merchant by what it reverses, else as a refund", () => {
    const known = categorise(credit("REFUND PATELS BUTCHERS"));
    expect(known.category.primary).toBe("groceries");
    expect(categorise(credit("REFUND XQZV 99812")).category.secondary).toBe("income/refunds");
  });

  it("files council tax under bills and utilities", () => {
    const dd = { description: "DD LEEDS CITY COUNCIL 1234567", amount: -132, currency: "GBP", transaction_type: "DEBIT", transaction_category: "DIRECT_DEBIT" };
    expect(categorise(dd).category.secondary).toBe("bills_and_utilities/council_tax");
    expect(categorise({ ...dd, description: "LB HACKNEY COUNCIL TAX" }).category.primary).toBe("bills_and_utilities");
  });

  it("files a withdrawal from a betting firm nobody listed as gambling, and other payouts as income", () => {
    const credit = (description: string) => ({ description, amount: 50, currency: "GBP", transaction_type: "CREDIT", transaction_category: "CREDIT" });
    expect(categorise(credit("BETZONIA WITHDRAWAL 0012")).category.primary).toBe("gambling");
    expect(categorise(credit("ACME CONSULTING PAYOUT")).category.primary).toBe("income");
  });
});
