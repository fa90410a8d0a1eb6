import { beforeAll, describe, expect, it } from "vitest";
import { aBudget, aConnection, anAccount, aRule, aTransaction, NOW } from "../../fixtures/src/entities";
import {
  bankConnectionEntity,
  batchWrite,
  ConditionalCheckFailedError,
  type Db,
  EntityValidationError,
  InvalidCursorError,
  type Repositories,
  softDeleteAction,
  syncShard,
  type Transaction,
  TransactionConditionalCheckFailedError,
  transactionEntity,
  transactWrite,
  txPutVersioned,
  VersionConflictError,
} from "../src";
import { freshTable } from "./local-table";

let db: Db;
let repos: Repositories;

beforeAll(async () => {
  ({ db, repos } = await freshTable());
});

async function writeTransactions(transactions: ReturnType<typeof aTransaction>[]) {
  await batchWrite(
    db.doc,
    db.tableName,
    transactions.map((t) => ({ PutRequest: { Item: transactionEntity.toItem(t) } })),
  );
}

describe("profiles", () => {
  it("finds a user by id and by email through GSI1, case-insensitively", async () => {
    // Prepare
    await repos.profiles.putNew({ userId: "user-p", email: "Ana.Smith@Example.com", createdAt: NOW, updatedAt: NOW });
    // Act
    const byId = await repos.profiles.get("user-p");
    const byEmail = await repos.profiles.getByEmail("  ana.smith@example.COM");
    const nobody = await repos.profiles.getByEmail("nobody@example.com");
    // Assess
    expect(byId?.email).toBe("Ana.Smith@Example.com");
    expect(byEmail?.userId).toBe("user-p");
    expect(nobody).toBeUndefined();
  });

  it("writes no profile whose time zone or locale Intl cannot read, and leaves the stored one as it was", async () => {
    // Prepare
    const profile = { userId: "user-zone", email: "zone@example.com", createdAt: NOW, updatedAt: NOW };
    // Act / Assess: a city for a zone is refused, nothing is written.
    await expect(repos.profiles.putNew({ ...profile, timeZone: "London" })).rejects.toMatchObject({ code: "db.validation_failed", field: "timeZone" });
    expect(await repos.profiles.get("user-zone")).toBeUndefined();
    const saved = await repos.profiles.putNew({ ...profile, timeZone: "Europe/London" });
    // Android's locale spelling is refused on update too; the stored profile keeps its version.
    await expect(repos.profiles.update({ ...saved, preferences: { ...saved.preferences, locale: "en_GB" } }, saved.version)).rejects.toBeInstanceOf(
      EntityValidationError,
    );
    expect(await repos.profiles.get("user-zone")).toEqual(saved);
  });
});

describe("transactions by date range (GSI2)", () => {
  it("returns exactly the range, newest first, across pages with an opaque cursor", async () => {
    // Prepare: 12 transactions on 12 days of March for user-t, one the day before and after, and one of another user.
    const march = Array.from({ length: 12 }, (_, i) => aTransaction({ userId: "user-t", timestamp: `2024-03-${String(i + 1).padStart(2, "0")}T10:00:00Z` }));
    const outside = [
      aTransaction({ userId: "user-t", timestamp: "2024-02-29T23:59:59Z" }),
      aTransaction({ userId: "user-t", timestamp: "2024-03-13T00:00:00.001Z" }),
    ];
    await writeTransactions([...march, ...outside, aTransaction({ userId: "user-other", timestamp: "2024-03-05T10:00:00Z" })]);
    const range = { from: "2024-03-01T00:00:00Z", to: "2024-03-13T00:00:00Z" };
    // Act
    const seen: Transaction[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repos.transactions.listByDateRange("user-t", range, { limit: 5, cursor });
      seen.push(...page.items);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    // Assess
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.map((t) => t.transactionId)).toEqual(march.map((t) => t.transactionId).reverse());
    await expect(
      repos.transactions.listByDateRange("user-other", range, { cursor: (await repos.transactions.listByDateRange("user-t", range, { limit: 1 })).cursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it("includes the upper bound and orders by UTC whatever the offset", async () => {
    // Prepare: 00:30 BST on 1 May is 23:30 UTC on 30 April, before the 23:59:59 UTC item.
    await writeTransactions([
      aTransaction({ userId: "user-b", transactionId: "txn_edge", timestamp: "2024-04-30T23:59:59+00:00" }),
      aTransaction({ userId: "user-b", transactionId: "txn_bst", timestamp: "2024-05-01T00:30:00+01:00" }),
      aTransaction({ userId: "user-b", transactionId: "txn_may", timestamp: "2024-05-01T00:00:00Z" }),
    ]);
    // Act
    const page = await repos.transactions.listByDateRange("user-b", { from: "2024-04-01T00:00:00Z", to: "2024-04-30T23:59:59Z" }, { order: "asc" });
    // Assess
    expect(page.items.map((t) => t.transactionId)).toEqual(["txn_bst", "txn_edge"]);
  });
});

describe("spending by category and period (GSI3)", () => {
  it("reads one category over one half-open period and sums debits exactly in pence", async () => {
    // Prepare: groceries debits in March (incl. the first instant), a refund, one at the period end (excluded), other categories.
    const inPeriod = [
      aTransaction({ userId: "user-s", pence: -1999, timestamp: "2024-03-01T00:00:00Z" }),
      aTransaction({ userId: "user-s", pence: -1, timestamp: "2024-03-15T12:00:00Z" }),
      aTransaction({ userId: "user-s", pence: -3333, timestamp: "2024-03-31T23:59:59.999Z", status: "pending" }),
      aTransaction({ userId: "user-s", pence: 500, timestamp: "2024-03-20T12:00:00Z" }),
    ];
    const excluded = [
      aTransaction({ userId: "user-s", pence: -7777, timestamp: "2024-04-01T00:00:00Z" }),
      aTransaction({
        userId: "user-s",
        pence: -8888,
        timestamp: "2024-03-10T00:00:00Z",
        category: { primary: "transport", confidence: 1, reason: "merchant" },
      }),
      aTransaction({ userId: "user-s", pence: -9999, timestamp: "2024-02-29T23:59:59.999Z" }),
    ];
    await writeTransactions([...inPeriod, ...excluded]);
    // Act
    const { transactions, spentMinor } = await repos.transactions.spendingByCategory("user-s", "groceries", {
      start: "2024-03-01T00:00:00Z",
      end: "2024-04-01T00:00:00Z",
    });
    const page = await repos.transactions.listByCategory("user-s", "groceries", { from: "2024-03-01T00:00:00Z", to: "2024-03-31T23:59:59.999Z" }, { limit: 2 });
    // Assess
    expect(transactions.map((t) => t.transactionId).sort()).toEqual(inPeriod.map((t) => t.transactionId).sort());
    expect(spentMinor).toBe(1999 + 1 + 3333);
    expect(page.items).toHaveLength(2);
    expect(page.cursor).toBeDefined();
  });
});

describe("soft-deleted transactions", () => {
  it("are kept in the table but hidden from every read: by id, many, user, date range, category, budget lines and sums", async () => {
    // Prepare: two groceries debits in March; one is soft-deleted (a vanished pending hold).
    const kept = aTransaction({ userId: "user-sd", pence: -1000, timestamp: "2024-03-05T10:00:00Z" });
    const gone = aTransaction({ userId: "user-sd", pence: -9900, timestamp: "2024-03-06T10:00:00Z", status: "pending" });
    await writeTransactions([kept, gone]);
    const stored = await repos.transactions.get("user-sd", gone.transactionId);
    if (!stored) throw new Error("not stored");
    // Act
    await transactWrite(db.doc, [softDeleteAction(db, stored, "vanished", new Date(NOW))]);
    // Assess
    const march = { from: "2024-03-01T00:00:00Z", to: "2024-03-31T23:59:59.999Z" };
    const period = { start: "2024-03-01T00:00:00Z", end: "2024-04-01T00:00:00Z" };
    const ids = (ts: readonly { transactionId: string }[]) => ts.map((t) => t.transactionId);
    expect(await repos.transactions.get("user-sd", gone.transactionId)).toBeUndefined();
    expect(ids(await repos.transactions.getMany("user-sd", [kept.transactionId, gone.transactionId]))).toEqual([kept.transactionId]);
    expect(ids((await repos.transactions.listByUser("user-sd")).items)).toEqual([kept.transactionId]);
    expect(ids((await repos.transactions.listByDateRange("user-sd", march)).items)).toEqual([kept.transactionId]);
    expect(ids((await repos.transactions.listByCategory("user-sd", "groceries", march)).items)).toEqual([kept.transactionId]);
    expect((await repos.transactions.budgetLines("user-sd", "groceries", period)).items.map((i) => i.transactionId)).toEqual([kept.transactionId]);
    expect((await repos.transactions.spendingByCategory("user-sd", "groceries", period)).spentMinor).toBe(1000);
    // Still there, flagged, for the readers that must see it (the sync, the recurring history, exports).
    const deleted = await repos.transactions.get("user-sd", gone.transactionId, { includeDeleted: true });
    expect(deleted).toMatchObject({ deletedAt: new Date(NOW).toISOString(), deletedReason: "vanished", version: stored.version + 1 });
    expect(ids((await repos.transactions.listByDateRange("user-sd", march, { includeDeleted: true })).items).sort()).toEqual(
      [kept.transactionId, gone.transactionId].sort(),
    );
  });
});

describe("connections due for sync (GSI4)", () => {
  it("lists active connections due by now in their shard and across all 16; others drop out", async () => {
    // Prepare
    const due = ["c-due-1", "c-due-2", "c-due-3"];
    for (const id of due) await repos.connections.putNew(aConnection({ userId: "user-c", connectionId: id, nextSyncAt: "2024-03-15T11:00:00Z" }));
    await repos.connections.putNew(aConnection({ userId: "user-c", connectionId: "c-later", nextSyncAt: "2024-03-15T12:00:01Z" }));
    await repos.connections.putNew(
      aConnection({ userId: "user-c", connectionId: "c-reconnect", status: "reconnect_required", nextSyncAt: "2024-03-15T10:00:00Z" }),
    );
    // Act
    const all = await repos.connections.listAllDue(NOW);
    const shard = syncShard("c-due-1");
    const oneShard = await repos.connections.listDue(shard, NOW);
    // Assess
    expect(all.map((d) => d.connectionId).sort()).toEqual(due);
    expect(all.every((d) => d.userId === "user-c" && d.shard === syncShard(d.connectionId))).toBe(true);
    expect(oneShard.items.map((d) => d.connectionId)).toContain("c-due-1");
    expect(oneShard.items.every((d) => d.shard === shard)).toBe(true);
  });

  it("drops a connection from the index when it needs the user", async () => {
    const conn = await repos.connections.putNew(aConnection({ userId: "user-d", connectionId: "c-drop" }));
    expect((await repos.connections.listAllDue(NOW)).map((d) => d.connectionId)).toContain("c-drop");
    await repos.connections.updateVersioned({ ...conn, status: "reconnect_required" }, conn.version);
    expect((await repos.connections.listAllDue(NOW)).map((d) => d.connectionId)).not.toContain("c-drop");
  });

  it("lets one worker hold the lease; another backs off until it expires or is released", async () => {
    await repos.connections.putNew(aConnection({ userId: "user-l", connectionId: "c-lease" }));
    await repos.connections.acquireLease("user-l", "c-lease", "worker-a", "2024-03-15T12:05:00Z", NOW);
    await expect(repos.connections.acquireLease("user-l", "c-lease", "worker-b", "2024-03-15T12:05:00Z", NOW)).rejects.toBeInstanceOf(
      ConditionalCheckFailedError,
    );
    await repos.connections.acquireLease("user-l", "c-lease", "worker-b", "2024-03-15T12:10:00Z", "2024-03-15T12:05:00Z");
    expect(await repos.connections.releaseLease("user-l", "c-lease", "worker-a")).toBe(false);
    expect(await repos.connections.releaseLease("user-l", "c-lease", "worker-b")).toBe(true);
    const after = await repos.connections.get("user-l", "c-lease");
    expect(after?.leaseOwner).toBeUndefined();
    expect(after?.version).toBe(1);
    await expect(repos.connections.acquireLease("user-l", "c-gone", "worker-a", NOW, NOW)).rejects.toBeInstanceOf(ConditionalCheckFailedError);
  });
});

describe("versioned writes and the sync lease", () => {
  it("refuses a versioned put from a copy read before a lease changed hands, so it can neither free nor revive a lease", async () => {
    // Prepare: a copy read before worker-a took the lease (the lease does not bump the version).
    const stale = await repos.connections.putNew(aConnection({ userId: "user-v", connectionId: "c-v" }));
    await repos.connections.acquireLease("user-v", "c-v", "worker-a", "2024-03-15T12:05:00Z", NOW);
    // Act
    const single = await repos.connections.updateVersioned({ ...stale, status: "revoked" }, stale.version).catch((e: unknown) => e);
    const inTx = await transactWrite(db.doc, [
      txPutVersioned(db, bankConnectionEntity, await repos.connections.seal({ ...stale, status: "revoked" }), stale.version),
    ]).catch((e: unknown) => e);
    // Assess: nothing written, worker-a still holds the lease, and so worker-b cannot sync in parallel.
    expect(single).toBeInstanceOf(VersionConflictError);
    expect((single as VersionConflictError).message).toContain("lease changed");
    expect(inTx).toBeInstanceOf(TransactionConditionalCheckFailedError);
    expect(await repos.connections.get("user-v", "c-v")).toMatchObject({ status: "active", leaseOwner: "worker-a", version: 1 });
    await expect(repos.connections.acquireLease("user-v", "c-v", "worker-b", "2024-03-15T12:05:00Z", NOW)).rejects.toBeInstanceOf(ConditionalCheckFailedError);
  });

  it("accepts a versioned put from a copy read under the current lease, and keeps the lease", async () => {
    await repos.connections.putNew(aConnection({ userId: "user-v", connectionId: "c-w" }));
    await repos.connections.acquireLease("user-v", "c-w", "worker-a", "2024-03-15T12:05:00+00:00", NOW);
    const current = await repos.connections.get("user-v", "c-w");
    if (!current) throw new Error("connection missing");
    const saved = await repos.connections.updateVersioned({ ...current, accessToken: "at_ROTATED" }, current.version);
    expect(saved).toMatchObject({ version: 2, leaseOwner: "worker-a", accessToken: "at_ROTATED" });
    expect(await repos.connections.releaseLease("user-v", "c-w", "worker-a")).toBe(true);
  });
});

describe("lists by user (begins_with on SK)", () => {
  it("a connection knows whether its user has rules: created false without, true with one; a new rule marks every connection and bumps its version", async () => {
    // Prepare
    await repos.rules.putNew(aRule({ userId: "user-hr1", ruleId: "r1" }));
    // Act
    const withRule = await repos.connections.create(aConnection({ userId: "user-hr1", connectionId: "c1" }));
    const a = await repos.connections.create(aConnection({ userId: "user-hr2", connectionId: "c1" }));
    const b = await repos.connections.create(aConnection({ userId: "user-hr2", connectionId: "c2" }));
    // Assess
    expect(withRule.hasRules).toBe(true);
    expect([a.hasRules, b.hasRules]).toEqual([false, false]);
    // Act: the user's first rule
    await repos.rules.putNew(aRule({ userId: "user-hr2", ruleId: "r1" }));
    // Assess
    const after = await Promise.all([repos.connections.get("user-hr2", "c1"), repos.connections.get("user-hr2", "c2")]);
    expect(after.map((c) => c?.hasRules)).toEqual([true, true]);
    expect(after.map((c) => c?.version)).toEqual([a.version + 1, b.version + 1]);
    // Act: a second rule changes nothing more
    await repos.rules.putNew(aRule({ userId: "user-hr2", ruleId: "r2" }));
    // Assess
    expect((await repos.connections.get("user-hr2", "c1"))?.version).toBe(a.version + 1);
  });

  it("lists budgets, rules and accounts of one user only, with paging", async () => {
    // Prepare
    for (const id of ["b1", "b2", "b3"]) await repos.budgets.putNew(aBudget({ userId: "user-l2", budgetId: id }));
    for (const id of ["r1", "r2"]) await repos.rules.putNew(aRule({ userId: "user-l2", ruleId: id }));
    await repos.accounts.putNew(anAccount({ userId: "user-l2", accountId: "a1" }));
    await repos.budgets.putNew(aBudget({ userId: "user-l3", budgetId: "b9" }));
    // Act
    const first = await repos.budgets.listByUser("user-l2", { limit: 2 });
    const second = await repos.budgets.listByUser("user-l2", { limit: 2, cursor: first.cursor });
    const rules = await repos.rules.listAllByUser("user-l2");
    const accounts = await repos.accounts.listByUser("user-l2");
    // Assess
    expect([...first.items, ...second.items].map((b) => b.budgetId)).toEqual(["b1", "b2", "b3"]);
    expect(second.cursor).toBeUndefined();
    expect(rules.map((r) => r.ruleId)).toEqual(["r1", "r2"]);
    expect(accounts.items.map((a) => [a.accountId, a.sortCode])).toEqual([["a1", "60-16-13"]]);
  });

  it("gets, updates and deletes a rule", async () => {
    const rule = await repos.rules.putNew(aRule({ userId: "user-r", ruleId: "r-x" }));
    const moved = { primary: "food_and_drink", secondary: "food_and_drink/restaurants" } as const;
    const updated = await repos.rules.updateVersioned({ ...rule, category: moved }, rule.version);
    expect(await repos.rules.get("user-r", "r-x")).toMatchObject({ category: moved, version: 2 });
    await repos.rules.delete("user-r", "r-x", updated.version);
    expect(await repos.rules.get("user-r", "r-x")).toBeUndefined();
  });
});
