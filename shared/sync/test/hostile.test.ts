import { transactionEntity } from "@expenzez/db";
import { groceries, stored, tlTransaction } from "@expenzez/fixtures";
import { describe, expect, it } from "vitest";
import { boundedText, occurrenceMemory, occurrencesOf, reconcile, storableId, TEXT_LIMITS, toStoredTransaction } from "../src/index";

const ctx = { userId: "u1", connectionId: "conn-1", accountId: "acc-1", now: "2026-11-25T10:00:00.000Z" };

describe("bank text is made storable", () => {
  it("replaces lone surrogates and control characters, keeps real pairs, and bounds the length", () => {
    expect(boundedText("CAFE\u0000\u0007 \uD800NERO\uDC00", 100)).toBe("CAFE  \uFFFDNERO\uFFFD");
    expect(boundedText("PAY \uD83D\uDE00 OK", 100)).toBe("PAY \uD83D\uDE00 OK");
    // A cut never splits a pair.
    expect(boundedText("ab\uD83D\uDE00", 3)).toBe("ab");
    const huge = toStoredTransaction(tlTransaction({ description: "X".repeat(450_000) }), groceries, { ...ctx, status: "booked" });
    expect(huge.description.length).toBe(TEXT_LIMITS.description);
    const odd = toStoredTransaction(tlTransaction({ description: "TESCO\uD800\u0001" }), groceries, { ...ctx, status: "booked" });
    expect(Buffer.from(odd.description, "utf8").toString("utf8")).toBe(odd.description);
    expect(() => transactionEntity.toItem(odd)).not.toThrow();
  });

  it("keeps no provider id that DynamoDB cannot encode (a lone surrogate) or that is too long; the item stays storable", () => {
    const odd = toStoredTransaction(
      tlTransaction({ normalised_provider_transaction_id: "\uD800", provider_transaction_id: "x".repeat(TEXT_LIMITS.id + 1) }),
      groceries,
      { ...ctx, status: "booked" },
    );
    expect(odd).not.toHaveProperty("normalisedProviderTransactionId");
    expect(odd).not.toHaveProperty("providerTransactionId");
    expect(JSON.stringify(transactionEntity.toItem(odd))).not.toMatch(/\\ud800/i);
    expect(storableId("txn-1")).toBe("txn-1");
    expect(storableId("\uDFFFx")).toBeUndefined();
  });

  it("stores the seed's transactionType and isHidden", () => {
    const fee = toStoredTransaction(tlTransaction({ transaction_category: "FEE_CHARGE" }), groceries, { ...ctx, status: "booked" });
    const interest = toStoredTransaction(tlTransaction({ transaction_category: "INTEREST", transaction_type: "CREDIT", amount: 1 }), groceries, {
      ...ctx,
      status: "booked",
    });
    const spend = toStoredTransaction(tlTransaction(), groceries, { ...ctx, status: "booked" });
    expect([fee.transactionType, interest.transactionType, spend.transactionType]).toEqual(["fee", "interest", "debit"]);
    expect(spend.isHidden).toBe(false);
  });
});

describe("occurrences", () => {
  const noIds = { normalised_provider_transaction_id: undefined, provider_transaction_id: undefined };

  it("tells apart identical same-day transactions without provider ids, whatever order the bank lists them in", () => {
    const coffee = tlTransaction({ ...noIds, description: "PRET A MANGER", amount: -3.2 });
    const tea = tlTransaction({ ...noIds, description: "PRET A MANGER", amount: -2.1 });
    expect(occurrencesOf([coffee, coffee, tea])).toEqual([0, 1, 0]);
    const ids = [coffee, coffee].map((t, i) => toStoredTransaction(t, groceries, { ...ctx, status: "booked" }, i).transactionId);
    expect(new Set(ids).size).toBe(2);
    const result = reconcile({
      stored: [],
      fetched: [coffee, coffee].map((t, i) => toStoredTransaction(t, groceries, { ...ctx, status: "booked" }, i)),
      pendingComplete: true,
    });
    expect(result.added).toHaveLength(2);
  });

  it("stores two different transactions the bank serves under one normalised id, stably", () => {
    const a = tlTransaction({ normalised_provider_transaction_id: "same", description: "A", amount: -1 });
    const b = tlTransaction({ normalised_provider_transaction_id: "same", description: "B", amount: -2 });
    const first = occurrencesOf([a, b]);
    const swapped = occurrencesOf([b, a]);
    expect(first).toEqual([0, 1]);
    expect(swapped).toEqual([1, 0]);
  });

  it("numbers on across the batches of a long history: one id in two slices is two, one mapped by two batches keeps its index", () => {
    const memory = occurrenceMemory();
    const old = tlTransaction({ normalised_provider_transaction_id: "same", description: "OLD", timestamp: "2026-01-10T00:00:00Z" });
    const margin = tlTransaction({ normalised_provider_transaction_id: "same", description: "MARGIN", timestamp: "2026-06-30T00:00:00Z" });
    const recent = tlTransaction({ normalised_provider_transaction_id: "same", description: "RECENT", timestamp: "2026-11-01T00:00:00Z" });
    const alone = tlTransaction({ normalised_provider_transaction_id: "other", timestamp: "2026-11-02T00:00:00Z" });
    // Batch 1 holds back `margin`, batch 2 maps it again with what follows.
    expect(occurrencesOf([old, margin], memory)).toEqual([0, 1]);
    expect(occurrencesOf([margin, recent, alone], memory)).toEqual([1, 2, 0]);
    // Without memory, each batch alone would give `recent` the index of `old`.
    expect(occurrencesOf([recent])).toEqual([0]);
  });
});

describe("pending removal at the window's edge", () => {
  it("never removes a pending transaction dated before the booked window: its booked copy may carry that date", () => {
    const old = stored({
      ...toStoredTransaction(tlTransaction({ normalised_provider_transaction_id: "pnd-old", timestamp: "2026-11-01T12:00:00Z" }), groceries, {
        ...ctx,
        status: "pending",
      }),
      status: "pending",
    });
    const recent = stored({
      ...toStoredTransaction(tlTransaction({ normalised_provider_transaction_id: "pnd-new", timestamp: "2026-11-20T12:00:00Z" }), groceries, {
        ...ctx,
        status: "pending",
      }),
      status: "pending",
    });
    const result = reconcile({ stored: [old, recent], fetched: [], pendingComplete: true, bookedFrom: "2026-11-10T00:00:00.000Z" });
    expect(result.removed.map((t) => t.transactionId)).toEqual([recent.transactionId]);
  });

  it("keeps the user's isHidden through a change from the bank", () => {
    const before = stored({ ...toStoredTransaction(tlTransaction(), groceries, { ...ctx, status: "booked" }), isHidden: true });
    const next = toStoredTransaction(tlTransaction({ description: "TESCO EXPRESS" }), groceries, { ...ctx, status: "booked" });
    expect(reconcile({ stored: [before], fetched: [next], pendingComplete: true }).changed[0]?.next.isHidden).toBe(true);
  });
});
