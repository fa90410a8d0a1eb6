import { groceries, stored, tlTransaction } from "@expenzez/fixtures";
import { describe, expect, it } from "vitest";
import { reconcile, toStoredTransaction } from "../src/index";

const ctx = { userId: "u1", connectionId: "conn-1", accountId: "acc-1", now: "2026-11-25T10:00:00.000Z" };
const booked = (over: Record<string, unknown> = {}) => toStoredTransaction(tlTransaction(over), groceries, { ...ctx, status: "booked" });
const pending = (over: Record<string, unknown> = {}) => toStoredTransaction(tlTransaction(over), groceries, { ...ctx, status: "pending" });

describe("reconcile", () => {
  it("adds new transactions and writes nothing for unchanged ones", () => {
    const known = booked({ normalised_provider_transaction_id: "ntx-known" });
    const fresh = booked({ normalised_provider_transaction_id: "ntx-new" });
    const result = reconcile({ stored: [stored({ ...known, version: 2 })], fetched: [known, fresh], pendingComplete: true });
    expect(result.added.map((t) => t.transactionId)).toEqual([fresh.transactionId]);
    expect(result.changed).toEqual([]);
    expect(result.removed).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it("updates a transaction whose bank facts changed, conditional on the stored version", () => {
    const before = stored({ ...booked(), version: 7 });
    const after = booked({ description: "TESCO STORES 2231 LEEDS GB", amount: -12.75 });
    const { changed } = reconcile({ stored: [before], fetched: [after], pendingComplete: true });
    expect(changed).toHaveLength(1);
    expect(changed[0]!.next).toMatchObject({ amountMinor: -1275, version: 7, createdAt: before.createdAt });
  });

  it("keeps a user's category forever, even when the bank's facts change", () => {
    const mine = { primary: "shopping", secondary: "shopping/general", confidence: 1, reason: "user_modified", userModified: true };
    const before = stored({ ...booked(), category: mine });
    const same = reconcile({ stored: [before], fetched: [booked()], pendingComplete: true });
    expect(same.unchanged).toBe(1); // a categoriser disagreeing with the user is no change
    const moved = reconcile({ stored: [before], fetched: [booked({ description: "TESCO EXPRESS" })], pendingComplete: true });
    expect(moved.changed[0]!.next.category).toEqual(before.category);
  });

  it("removes pending transactions that settled under a new id or vanished, only with a full pending list", () => {
    const settled = stored({ ...pending({ normalised_provider_transaction_id: "pnd-1" }), status: "pending" });
    const hold = stored({ ...pending({ normalised_provider_transaction_id: "pnd-2" }), status: "pending" });
    const stillPending = pending({ normalised_provider_transaction_id: "pnd-3" });
    const storedStill = stored({ ...stillPending, status: "pending" });
    const bookedVersion = booked({ normalised_provider_transaction_id: "txn-1", amount: -14.0 }); // with a tip
    const result = reconcile({ stored: [settled, hold, storedStill], fetched: [bookedVersion, stillPending], pendingComplete: true });
    expect(result.removed.map((t) => t.transactionId).sort()).toEqual([settled.transactionId, hold.transactionId].sort());
    expect(result.added.map((t) => t.transactionId)).toEqual([bookedVersion.transactionId]);
    expect(reconcile({ stored: [settled], fetched: [], pendingComplete: false }).removed).toEqual([]);
  });

  it("leaves a soft-deleted pending one alone while the bank does not serve it, and restores it when the bank serves it again", () => {
    const hold = pending({ normalised_provider_transaction_id: "pnd-9" });
    const deleted = stored({ ...hold, status: "pending", version: 3, deletedAt: "2026-11-24T10:00:00Z", deletedReason: "vanished" });
    expect(reconcile({ stored: [deleted], fetched: [], pendingComplete: true }).removed).toEqual([]);
    const back = reconcile({ stored: [deleted], fetched: [hold], pendingComplete: true });
    expect(back.unchanged).toBe(0);
    expect(back.changed).toHaveLength(1);
    expect(back.changed[0]!.next).toMatchObject({ transactionId: hold.transactionId, version: 3 });
    expect(back.changed[0]!.next).not.toHaveProperty("deletedAt");
  });

  it("never removes a booked transaction the bank stopped listing", () => {
    const old = stored({ ...booked({ normalised_provider_transaction_id: "gone" }) });
    expect(reconcile({ stored: [old], fetched: [], pendingComplete: true }).removed).toEqual([]);
  });

  it("takes a transaction listed twice once", () => {
    const t = booked();
    expect(reconcile({ stored: [], fetched: [t, t], pendingComplete: true }).added).toHaveLength(1);
  });

  it("re-categorises a transaction the user never touched when the categoriser now says otherwise", () => {
    const before = stored({ ...booked() });
    const next = { ...booked(), category: { ...booked().category, primary: "shopping", secondary: "shopping/general", reason: "user_rule", ruleId: "r1" } };
    expect(reconcile({ stored: [before], fetched: [next], pendingComplete: true }).changed).toHaveLength(1);
  });
});
