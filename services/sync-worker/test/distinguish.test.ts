import type { Transaction } from "@expenzez/db";
import { groceries, tlTransaction } from "@expenzez/fixtures";
import { toStoredTransaction } from "@expenzez/sync";
import type { TrueLayerTransaction } from "@expenzez/truelayer";
import { describe, expect, it } from "vitest";
import { distinguish } from "../src/write-account";

const ctx = { userId: "u1", connectionId: "conn-1", accountId: "acc-1", now: "2026-11-25T10:00:00.000Z", status: "booked" as const };
const range = { from: "2026-11-10T00:00:00.000Z", to: "2026-11-25T10:00:00.000Z" };

const older = tlTransaction({ normalised_provider_transaction_id: "same", description: "OLD", timestamp: "2026-09-01T00:00:00Z" });
const newer = tlTransaction({ normalised_provider_transaction_id: "same", description: "NEW", timestamp: "2026-11-20T00:00:00Z" });
const newest = tlTransaction({ normalised_provider_transaction_id: "same", description: "NEWEST", timestamp: "2026-11-22T00:00:00Z" });
const idOf = (tl: TrueLayerTransaction, index: number) => toStoredTransaction(tl, groceries, ctx, index).transactionId;

/** The table as a map of stored copies, and a reader that counts what it is asked for. */
function table(rows: [TrueLayerTransaction, number][]) {
  const all = new Map(rows.map(([tl, i]) => [idOf(tl, i), toStoredTransaction(tl, groceries, ctx, i)]));
  const asked: string[] = [];
  const read = async (ids: readonly string[]) => {
    asked.push(...ids);
    return ids.flatMap((id) => (all.has(id) ? [all.get(id) as Transaction] : []));
  };
  return { all, asked, read };
}

function fetched(rows: [TrueLayerTransaction, number][]) {
  const origins = new WeakMap<Transaction, TrueLayerTransaction>();
  const list = rows.map(([tl, i]) => {
    const t = toStoredTransaction(tl, groceries, ctx, i);
    origins.set(t, tl);
    return t;
  });
  return { list, origins };
}

describe("distinguish: transactions under one bank id, one of them outside the range read", () => {
  it("a newer one alone in the window, numbered 0 onto the older one's id, gets its own stored id back", async () => {
    const db = table([
      [older, 0],
      [newer, 1],
    ]);
    const { list, origins } = fetched([[newer, 0]]);
    const seen = new Map([[list[0]?.transactionId as string, db.all.get(idOf(older, 0)) as Transaction]]);
    const [resolved] = await distinguish(list, seen, range, origins, db.read);
    expect(resolved?.transactionId).toBe(idOf(newer, 1));
    expect(resolved?.description).toBe("NEW");
  });

  it("an older one of a backfill, numbered onto the id a newer one is stored under, takes the lowest free index", async () => {
    const db = table([[newer, 0]]);
    const { list, origins } = fetched([[older, 0]]);
    const seen = new Map([[idOf(older, 0), db.all.get(idOf(newer, 0)) as Transaction]]);
    const [resolved] = await distinguish(list, seen, { from: "2026-08-01T00:00:00.000Z", to: "2026-10-01T00:00:00.000Z" }, origins, db.read);
    expect(resolved?.transactionId).toBe(idOf(older, 1));
  });

  it("changes nothing when the stored copy under the id lies in the range (the same transaction, maybe changed)", async () => {
    const db = table([[tlTransaction({ normalised_provider_transaction_id: "same", description: "NEW (was)", timestamp: "2026-11-19T00:00:00Z" }), 0]]);
    const { list, origins } = fetched([[newer, 0]]);
    const result = await distinguish(list, new Map(db.all), range, origins, db.read);
    expect(result.map((t) => t.transactionId)).toEqual([idOf(newer, 0)]);
    expect(db.asked).toEqual([]);
  });

  it("leaves alone a transaction the bank dates outside the range itself (a far-future date stored as served)", async () => {
    const future = tlTransaction({ normalised_provider_transaction_id: "future", timestamp: "9999-12-31T23:59:59Z" });
    const db = table([[future, 0]]);
    const { list, origins } = fetched([[future, 0]]);
    const result = await distinguish(list, new Map(db.all), range, origins, db.read);
    expect(result.map((t) => t.transactionId)).toEqual([idOf(future, 0)]);
  });

  it("gives every transaction of that id in the range its own stored id, and leaves other ids alone", async () => {
    const db = table([
      [older, 0],
      [newer, 1],
      [newest, 2],
    ]);
    const other = tlTransaction({ normalised_provider_transaction_id: "other", timestamp: "2026-11-21T00:00:00Z" });
    const { list, origins } = fetched([
      [newer, 0],
      [newest, 1],
      [other, 0],
    ]);
    const seen = new Map([[idOf(older, 0), db.all.get(idOf(older, 0)) as Transaction]]);
    const result = await distinguish(list, seen, range, origins, db.read);
    expect(result.map((t) => t.transactionId)).toEqual([idOf(newer, 1), idOf(newest, 2), idOf(other, 0)]);
  });
});
