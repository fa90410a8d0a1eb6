import { groceries, tlTransaction } from "@expenzez/fixtures";
import { describe, expect, it } from "vitest";
import { ourTransactionId, toStoredTransaction } from "../src/index";

const ctx = { userId: "u1", connectionId: "conn-1", accountId: "acc-1", status: "booked" as const, now: "2026-11-25T10:00:00.000Z" };

describe("toStoredTransaction", () => {
  it("stores money out as negative pence, with the decimal derived from the pence", () => {
    const account = toStoredTransaction(tlTransaction({ amount: -12.5 }), groceries, ctx);
    const card = toStoredTransaction(tlTransaction({ amount: "12.50" }), groceries, ctx); // card debits arrive positive
    for (const t of [account, card]) {
      expect(t).toMatchObject({ amountMinor: -1250, amount: -12.5, direction: "debit", currency: "GBP" });
    }
    const refund = toStoredTransaction(tlTransaction({ amount: 3.99, transaction_type: "CREDIT" }), groceries, ctx);
    expect(refund).toMatchObject({ amountMinor: 399, amount: 3.99, direction: "credit" });
  });

  it("keys on TrueLayer's stable id, never on its changing transaction_id", () => {
    const first = toStoredTransaction(tlTransaction({ transaction_id: "a" }), groceries, ctx);
    const again = toStoredTransaction(tlTransaction({ transaction_id: "b" }), groceries, ctx);
    const other = toStoredTransaction(tlTransaction({ normalised_provider_transaction_id: "ntx-2" }), groceries, ctx);
    expect(first.transactionId).toBe(again.transactionId);
    expect(other.transactionId).not.toBe(first.transactionId);
    expect(first.transactionId).toMatch(/^txn_[0-9a-f]{32}$/);
  });

  it("falls back to a content hash on exact pence, whatever decimal text the bank used", () => {
    const ids = ["12.3", 12.3, "12.30"].map((amount) =>
      ourTransactionId("acc-1", tlTransaction({ normalised_provider_transaction_id: undefined, provider_transaction_id: undefined, amount })),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it("keeps the bank's raw category, the categorisation and the merchant; never userModified", () => {
    const t = toStoredTransaction(tlTransaction(), { ...groceries, category: { ...groceries.category, reason: "user_rule", ruleId: "r1" } }, ctx);
    expect(t.category).toEqual({
      primary: "groceries",
      secondary: "groceries/supermarkets",
      confidence: 0.99,
      reason: "user_rule",
      ruleId: "r1",
      userModified: false,
    });
    expect(t).toMatchObject({
      providerCategory: "PURCHASE",
      providerClassification: ["Shopping", "Groceries"],
      merchant: { name: "Tesco" },
      timestamp: "2026-11-20T10:15:00.000Z",
    });
  });
});
