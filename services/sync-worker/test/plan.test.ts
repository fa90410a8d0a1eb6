import type { StoredBankAccount, TransactAction, Transaction, TransactionInput } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import {
  accountUnchanged,
  builtUnit,
  chunkChanges,
  oldestPendingAfter,
  packChunks,
  planReads,
  RESERVED_PER_CHUNK,
  summaryDelta,
  unitsOf,
  type WriteChunk,
  type WriteUnit,
} from "../src/plan";
import { largeEventId } from "../src/write-account";

const action = (i: number): TransactAction => ({ Delete: { TableName: "t", Key: { PK: "U", SK: String(i) } } });
const tx = (status: "booked" | "pending") => ({ status }) as TransactionInput;
const stored = (status: "booked" | "pending") => ({ status }) as Transaction;

describe("summaryDelta", () => {
  it("counts added, settled and removed transactions exactly", () => {
    const delta = summaryDelta({
      added: [tx("booked"), tx("pending"), tx("booked")],
      changed: [
        { before: stored("pending"), next: tx("booked") },
        { before: stored("booked"), next: tx("booked") },
      ],
      removed: [stored("pending"), stored("pending")],
    });
    expect(delta).toEqual({ total: 3 - 2, pending: 1 - 1 - 2 });
  });

  it("counts a soft-deleted transaction the bank served again as stored anew", () => {
    const deleted = { status: "pending", deletedAt: "2026-11-24T10:00:00Z" } as Transaction;
    expect(summaryDelta({ added: [], changed: [{ before: deleted, next: tx("pending") }], removed: [] })).toEqual({ total: 1, pending: 1 });
    // And it is not a pending one still stored while deleted.
    expect(
      oldestPendingAfter([{ ...deleted, transactionId: "t-1", timestamp: "2026-11-20T10:00:00Z" } as Transaction], { added: [], changed: [], removed: [] }),
    ).toBeNull();
  });

  it("is zero when nothing changed", () => {
    expect(summaryDelta({ added: [], changed: [], removed: [] })).toEqual({ total: 0, pending: 0 });
  });
});

describe("packChunks", () => {
  const units = (n: number): WriteUnit[] => Array.from({ length: n }, (_, i) => ({ ...builtUnit({ actions: [action(i)] }), added: tx("booked") }));
  const size = (c: WriteChunk) => unitsOf(c).reduce((n, u) => n + u.size, 0) + c.parts.length + RESERVED_PER_CHUNK + (c.finish ? 1 : 0);

  it("fills 100-action transactions across accounts: 257 transactions on 3 accounts take 3, the last also finishing", () => {
    const accounts = [
      { accountId: "a1", units: units(86) },
      { accountId: "a2", units: units(86) },
      { accountId: "c1", units: units(85) },
    ];
    const chunks = packChunks(accounts, { finish: true });
    expect(chunks).toHaveLength(3);
    for (const c of chunks) expect(size(c)).toBeLessThanOrEqual(100);
    expect(chunks.map((c) => c.finish)).toEqual([false, false, true]);
    // Every unit once, in order, and each account's parts marked first and last.
    for (const a of accounts) {
      const parts = chunks.flatMap((c) => c.parts.filter((p) => p.accountId === a.accountId));
      expect(parts.flatMap((p) => p.units)).toEqual(a.units);
      expect(parts.map((p) => p.first)).toEqual(parts.map((_, i) => i === 0));
      expect(parts.map((p) => p.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
    }
    expect(chunks[0]?.parts.map((p) => p.units.length)).toEqual([86, 11]);
  });

  it("keeps a transaction and its large-transaction event in the same transaction", () => {
    const chunks = packChunks([{ accountId: "a1", units: [...units(97), builtUnit({ actions: [action(97), action(98)] })] }], { finish: false });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]?.parts[0]?.units[0]?.build().actions).toHaveLength(2);
  });

  it("writes the finish on its own when the last transaction is full", () => {
    const chunks = packChunks([{ accountId: "a1", units: units(98) }], { finish: true });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.finish).toBe(false);
  });

  it("gives a balance-only account its own account write and no transaction unit", () => {
    const chunks = packChunks([{ accountId: "a1", units: [] }], { finish: true });
    expect(chunks).toEqual([{ parts: [{ accountId: "a1", units: [], first: true, last: true }], finish: true }]);
  });

  it("plans no write at all when no account has anything to write", () => {
    expect(packChunks([], { finish: true })).toEqual([]);
  });

  it("splits a chunk's changes back out for its counter deltas", () => {
    const a = tx("pending");
    const r = stored("pending");
    expect(
      summaryDelta(
        chunkChanges([
          { ...builtUnit({ actions: [] }), added: a },
          { ...builtUnit({ actions: [] }), removed: r },
        ]),
      ),
    ).toEqual({ total: 0, pending: 0 });
  });
});

describe("planReads", () => {
  const now = new Date("2026-11-25T10:00:00Z");
  const window = { from: "2026-11-11T10:00:00.000Z", to: now.toISOString() };
  const summary = (over: Partial<StoredBankAccount["transactionSummary"]> = {}) => ({
    stored: { transactionSummary: { totalTransactions: 10, pendingTransactions: 0, ...over } },
  });

  it("plans no read for a connection whose accounts are all new: nothing is stored for them", () => {
    expect(planReads({ accounts: [{ accountId: "a1" }, { accountId: "c1" }], window, now })).toEqual({ read: false });
  });

  it("plans one read over the window and the oldest stored pending transaction of any known account", () => {
    const plan = planReads({
      accounts: [{ accountId: "a1", ...summary({ pendingTransactions: 2, oldestPendingAt: "2026-10-01T00:00:00.000Z" }) }, { accountId: "a2" }],
      window,
      now,
    });
    expect(plan).toEqual({ read: true, from: "2026-10-01T00:00:00.000Z", to: "2026-11-26T10:00:00.000Z" });
    // From a day before the window's first day: the bank filters by day.
    expect(planReads({ accounts: [{ accountId: "a1", ...summary() }], window, now })).toMatchObject({ read: true, from: "2026-11-10T00:00:00.000Z" });
  });

  it("plans an earlier batch of a long history over its own range only, not back to the stored pending ones", () => {
    const slice = { from: "2026-01-01T00:00:00.000Z", to: "2026-06-30T00:00:00.000Z" };
    const pending = summary({ pendingTransactions: 2, oldestPendingAt: "2025-06-01T00:00:00.000Z" });
    expect(planReads({ accounts: [{ accountId: "a1", ...pending }], window: slice, now, interim: true })).toEqual({
      read: true,
      from: "2025-12-31T00:00:00.000Z",
      to: "2026-07-01T00:00:00.000Z",
    });
    expect(planReads({ accounts: [{ accountId: "a1" }], window: slice, now, interim: true })).toEqual({ read: false });
  });
});

describe("accountUnchanged", () => {
  const account = {
    closed: false,
    balance: { currentMinor: 1000, availableMinor: 900 },
    transactionSummary: { totalTransactions: 3, pendingTransactions: 0, oldestPendingAt: null },
  } as unknown as StoredBankAccount;

  it("plans no write for an account whose transactions, balance and state are as stored", () => {
    expect(accountUnchanged([], account, { closed: false, oldestPendingAt: null, balance: { currentMinor: 1000, availableMinor: 900 } })).toBe(true);
  });

  it("writes when the balance moved, a transaction changed, or the account is new", () => {
    expect(accountUnchanged([], account, { closed: false, oldestPendingAt: null, balance: { currentMinor: 1001, availableMinor: 900 } })).toBe(false);
    expect(accountUnchanged([builtUnit({ actions: [action(1)] })], account, { closed: false, oldestPendingAt: null })).toBe(false);
    expect(accountUnchanged([], undefined, { closed: false, oldestPendingAt: null })).toBe(false);
  });
});

describe("oldestPendingAfter", () => {
  it("follows the diff: removed and booked ones leave, new pending ones count", () => {
    const p = (id: string, ts: string) => ({ transactionId: id, status: "pending", timestamp: ts }) as Transaction;
    const kept = p("k", "2026-11-10T00:00:00Z");
    const settled = p("s", "2026-11-01T00:00:00Z");
    const fresh = { transactionId: "n", status: "pending", timestamp: "2026-11-05T00:00:00Z" } as TransactionInput;
    expect(oldestPendingAfter([kept, settled], { added: [fresh], changed: [], removed: [settled] })).toBe("2026-11-05T00:00:00.000Z");
    expect(oldestPendingAfter([settled], { added: [], changed: [], removed: [settled] })).toBeNull();
  });
});

describe("largeEventId", () => {
  it("is one stable UUID per transaction, so a retried or re-relayed write announces it once", () => {
    const id = largeEventId("u1", "txn_1");
    expect(id).toBe(largeEventId("u1", "txn_1"));
    expect(id).not.toBe(largeEventId("u1", "txn_2"));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
