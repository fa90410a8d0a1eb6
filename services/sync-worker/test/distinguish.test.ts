import type { Transaction } from "@expenzez/db";
import { groceries, tlTransaction } from "@expenzez/fixtures";
import { toStoredTransaction } from "@expenzez/sync";
import type { TrueLayerTransaction } from "@expenzez/truelayer";
import { describe, expect, it } from "vitest";
import { distinguish } from "../src/write-account";

const ctx = { userId: "u1", connectionId: "conn-1", accountId: "acc-1", now: "2026-11-25T10:00:00.000Z", status: "booked" as const };
const bookedFrom = "2026-11-10T00:00:00.000Z";

/** A mapped transaction and the bank's one it came from, at an occurrence index. */
function mapped(tl: TrueLayerTransaction, index: number, origins: WeakMap<Transaction, TrueLayerTransaction>): Transaction {
  const t = toStoredTransaction(tl, groceries, ctx, index);
  origins.set(t, tl);
  return t;
}

describe("distinguish: two transactions under one bank id, the older before the window", () => {
  const older = tlTransaction({ normalised_provider_transaction_id: "same", description: "OLD", timestamp: "2026-09-01T00:00:00Z" });
  const newer = tlTransaction({ normalised_provider_transaction_id: "same", description: "NEW", timestamp: "2026-11-20T00:00:00Z" });

  it("moves the window's one past the older one's index when that is stored under its id", () => {
    const origins = new WeakMap<Transaction, TrueLayerTransaction>();
    const storedOld = mapped(older, 0, new WeakMap());
    const fetched = mapped(newer, 0, origins);
    expect(fetched.transactionId).toBe(storedOld.transactionId);
    const [moved] = distinguish([fetched], new Map([[storedOld.transactionId, storedOld]]), bookedFrom, origins);
    expect(moved?.transactionId).toBe(toStoredTransaction(newer, groceries, ctx, 1).transactionId);
    expect(moved?.description).toBe("NEW");
  });

  it("changes nothing when the stored copy under the id is in the window (it is the same transaction, maybe changed)", () => {
    const origins = new WeakMap<Transaction, TrueLayerTransaction>();
    const storedSame = mapped(
      tlTransaction({ normalised_provider_transaction_id: "same", description: "NEW (was)", timestamp: "2026-11-19T00:00:00Z" }),
      0,
      new WeakMap(),
    );
    const fetched = mapped(newer, 0, origins);
    const result = distinguish([fetched], new Map([[storedSame.transactionId, storedSame]]), bookedFrom, origins);
    expect(result.map((t) => t.transactionId)).toEqual([fetched.transactionId]);
  });

  it("moves every transaction of that id in the window together, and leaves other ids alone", () => {
    const origins = new WeakMap<Transaction, TrueLayerTransaction>();
    const storedOld = mapped(older, 0, new WeakMap());
    const second = tlTransaction({ normalised_provider_transaction_id: "same", description: "NEWER", timestamp: "2026-11-22T00:00:00Z" });
    const other = mapped(tlTransaction({ normalised_provider_transaction_id: "other", timestamp: "2026-11-21T00:00:00Z" }), 0, origins);
    const result = distinguish(
      [mapped(newer, 0, origins), mapped(second, 1, origins), other],
      new Map([[storedOld.transactionId, storedOld]]),
      bookedFrom,
      origins,
    );
    expect(result.map((t) => t.transactionId)).toEqual([
      toStoredTransaction(newer, groceries, ctx, 1).transactionId,
      toStoredTransaction(second, groceries, ctx, 2).transactionId,
      other.transactionId,
    ]);
  });
});
