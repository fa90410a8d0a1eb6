import type { Categorisation } from "@expenzez/categoriser";
import { transactionEntity } from "@expenzez/db";
import { groceries, tlTransaction } from "@expenzez/fixtures";
import { describe, expect, it } from "vitest";
import { occurrencesOf, toStoredTransaction } from "../src/index";

// The sync stores what toStoredTransaction builds without a second zod pass (ADR 0064). These
// cases prove the builder's output is what the entity schema accepts and returns unchanged, for
// every bank transaction that passed the bank's schema at the boundary, ordinary or hostile.

const bankCases: Record<string, Record<string, unknown>> = {
  ordinary: {},
  "card debit sent positive, as a string": { amount: "12.50" },
  credit: { amount: 1500, transaction_type: "CREDIT", transaction_category: "CREDIT" },
  "the largest amount the bank schema lets through": { amount: "999999999999.99" },
  "the smallest": { amount: 0.01 },
  zero: { amount: 0 },
  "a currency without minor units": { currency: "JPY", amount: 1234 },
  "a currency with three decimals": { currency: "BHD", amount: "12.345" },
  "a timestamp with an offset and no seconds": { timestamp: "2026-11-20 10:15" },
  "a date only": { timestamp: "2026-11-20" },
  "no ids at all": { normalised_provider_transaction_id: undefined, provider_transaction_id: undefined },
  "ids longer than we keep": { normalised_provider_transaction_id: "n".repeat(5000), provider_transaction_id: "p".repeat(300) },
  "ids holding #": { normalised_provider_transaction_id: "a#b", provider_transaction_id: "#" },
  "a 450 KB description": { description: "X".repeat(450_000) },
  "lone surrogates and control characters": { description: "\uD800CAFE\u0000\u0007\uDFFF", merchant_name: "\uDC00" },
  "an empty description": { description: "" },
  "no description": { description: undefined },
  "many long classifications": { transaction_classification: Array.from({ length: 40 }, () => "c".repeat(1000)) },
  "a null classification": { transaction_classification: null },
  "a running balance": { running_balance: { amount: "-1234.56", currency: "GBP" } },
  interest: { transaction_category: "INTEREST", transaction_type: "CREDIT", amount: 0.42 },
  fee: { transaction_category: "FEE_CHARGE" },
  "an odd category": { transaction_category: "\u0001".repeat(600) },
  "unknown extra fields": { meta: { provider_category: "x" }, extra: { nested: [1, 2] } },
};

const categorisations: Record<string, Categorisation> = {
  merchant: groceries,
  "a user rule": {
    category: { primary: "food_and_drink", secondary: "food_and_drink/coffee_shops", confidence: 1, reason: "user_rule", ruleId: "r1", userModified: false },
    merchant: { name: "Pret" },
  },
  "no merchant": {
    category: { primary: "other", secondary: "other/uncategorised", confidence: 0, reason: "fallback", userModified: false },
    merchant: { name: "" },
  },
  "a merchant name of control characters": { ...groceries, merchant: { name: "\u0000\u0001" } },
};

describe("what toStoredTransaction builds is a valid stored Transaction", () => {
  for (const [bankCase, over] of Object.entries(bankCases)) {
    for (const [catCase, categorisation] of Object.entries(categorisations)) {
      it(`${bankCase}, categorised by ${catCase}`, () => {
        const tl = tlTransaction({ transaction_id: "tl-1", ...over });
        for (const status of ["booked", "pending"] as const) {
          const built = toStoredTransaction(
            tl,
            categorisation,
            { userId: "u1", connectionId: "conn-1", accountId: "acc-1", status, now: "2026-11-25T10:00:00.000Z" },
            3,
          );
          // The schema accepts it and adds nothing: no default it relied on, no field it drops.
          expect(transactionEntity.parse(built)).toEqual(built);
          // And the item DynamoDB would get stays far below its 400 KB limit.
          expect(Buffer.byteLength(JSON.stringify(transactionEntity.toItemParsed(built)))).toBeLessThan(10_000);
        }
      });
    }
  }

  it("for every occurrence index a list can give", () => {
    const tl = tlTransaction({ transaction_id: "tl-1", normalised_provider_transaction_id: undefined, provider_transaction_id: undefined });
    const list = Array.from({ length: 5 }, () => tl);
    for (const occurrence of occurrencesOf(list)) {
      const built = toStoredTransaction(
        tl,
        groceries,
        { userId: "u1", connectionId: "conn-1", accountId: "acc-1", status: "booked", now: "2026-11-25T10:00:00.000Z" },
        occurrence,
      );
      expect(transactionEntity.parse(built)).toEqual(built);
    }
  });
});
