import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { type BankConnection, createRepositories, type Db, keys, type Repositories, type Transaction } from "@expenzez/db";
import { parseDeliveredEvent, type ReceivedEvent } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { StopRequestedError } from "@expenzez/runtime";
import { receiveAll, until } from "@expenzez/testing";
import { EndpointNotSupportedError, type TrueLayerClient } from "@expenzez/truelayer";
import type { RunningSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LeaseLostError, TokenRotatedElsewhereError } from "../src/errors";
import { storedAccountId } from "../src/fetch";
import { handleSyncJob, InvalidJobError, LeaseHeldError, ProviderRetriesExhaustedError, type SyncDeps } from "../src/index";
import { type ConnectOptions, type SyncHarness, startSyncHarness } from "./harness";

// Hostile bank data and duplicate jobs, each on the simulator's admin API; moto from the vitest global setup.

let stack: LocalStack;
let db: Db;
let repos: Repositories;
let sandbox: RunningSandbox;
let truelayer: TrueLayerClient;
let harness: SyncHarness;
const lines: string[] = [];
const log = createLogger("test", { level: "info", destination: { write: (l: string) => void lines.push(l) } });
const PSU_IP = "203.0.113.7";

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "sync-hostile-tests", log });
  ({ stack, db, repos, sandbox, truelayer } = harness);
});

afterAll(async () => {
  await sandbox?.stop();
});

async function drain(queue: "budgetRecalc" | "recurring" | "alertDispatch"): Promise<ReceivedEvent[]> {
  return (await receiveAll(stack.aws.sqs, stack.handles.queues[queue].url, { remove: true })).map((m) => parseDeliveredEvent(m.Body as string));
}

beforeEach(async () => {
  await Promise.all([drain("budgetRecalc"), drain("recurring"), drain("alertDispatch")]);
  lines.length = 0;
});

/** Counts the DynamoDB commands a sync sends, by command name. */
function counting(): { db: Db; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const doc = {
    send: (command: { constructor: { name: string } }) => {
      counts.set(command.constructor.name, (counts.get(command.constructor.name) ?? 0) + 1);
      return db.doc.send(command as never);
    },
  } as Db["doc"];
  return { db: { ...db, doc }, counts };
}

function deps(now: Date | (() => Date), over: Partial<SyncDeps> = {}): SyncDeps {
  return harness.syncDeps(now, over);
}

let jobs = 0;
function body(c: { userId: string; connectionId: string }, over: Record<string, unknown> = {}): string {
  jobs++;
  return JSON.stringify({
    jobId: `hjob-${jobs}`,
    userId: c.userId,
    connectionId: c.connectionId,
    reason: "scheduled",
    requestedAt: new Date().toISOString(),
    ...over,
  });
}

async function sync(c: { userId: string; connectionId: string }, over: Record<string, unknown> = {}, extra: Partial<SyncDeps> = {}): Promise<void> {
  await handleSyncJob({ body: body(c, over) }, deps(await sandbox.admin.now(), extra));
}

const connect = (options: ConnectOptions = {}) => harness.connect(options);

async function stored(userId: string): Promise<Transaction[]> {
  const all: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.transactions.listByUser(userId, { cursor, limit: 500 });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

async function expectExactCounts(userId: string) {
  const txs = await stored(userId);
  const accounts = (await repos.accounts.listByUser(userId)).items;
  for (const a of accounts) {
    const mine = txs.filter((t) => t.accountId === a.accountId);
    expect(a.transactionSummary.totalTransactions, a.accountId).toBe(mine.length);
    expect(a.transactionSummary.pendingTransactions, a.accountId).toBe(mine.filter((t) => t.status === "pending").length);
  }
  return { txs, accounts };
}

const connectionOf = async (c: { userId: string; connectionId: string }) => (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;

/**
 * Two different transactions the bank serves under one normalised id: `<tag> SHARED OLD` (7.00)
 * and `<tag> SHARED NEW` (9.00), dated that many milliseconds before the simulator's now.
 */
async function addSharedPair(c: Awaited<ReturnType<typeof connect>>, tag: string, oldAgoMs: number, newAgoMs: number): Promise<void> {
  const now = await sandbox.admin.now();
  for (const [description, agoMs, amount] of [
    [`${tag} SHARED OLD`, oldAgoMs, "7.00"],
    [`${tag} SHARED NEW`, newAgoMs, "9.00"],
  ] as const) {
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description,
      amount,
      timestamp: new Date(now.getTime() - agoMs).toISOString(),
      raw: { normalised_provider_transaction_id: `txn-shared-${tag.toLowerCase()}` },
    });
  }
}

describe("one bad transaction never blocks a connection", () => {
  it("an amount like '12,50' is quarantined with its reason; every other transaction syncs and the connection stays healthy", async () => {
    // Prepare
    const c = await connect();
    const bad = await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "COMMA TESTVILLE",
      amount: "12.50",
      raw: { amount: "12,50" },
    });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: c.account, description: "FINE TESTVILLE", amount: "3.00" });
    // Act
    await sync(c);
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    expect(txs.some((t) => t.description === "FINE TESTVILLE")).toBe(true);
    expect(txs.some((t) => t.description === "COMMA TESTVILLE")).toBe(false);
    const conn = await connectionOf(c);
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 0, lastQuarantined: 1 });
    expect(conn.quarantine?.[0]).toMatchObject({ accountId: c.account, providerTransactionId: bad.normalised_provider_transaction_id });
    expect(conn.quarantine?.[0]?.reason).toContain("amount");
    expect(lines.some((l) => l.includes('"TransactionsQuarantined":1'))).toBe(true);
  });

  it("lone surrogates, control characters and a 450 KB description are made storable; the rest of the account syncs", async () => {
    // Prepare
    const c = await connect();
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "SURROGATE",
      amount: "1.00",
      raw: { description: "CAFE \uD800NERO\u0000\u0007" },
    });
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "HUGE",
      amount: "2.00",
      raw: { description: `HUGE ${"X".repeat(450_000)}` },
    });
    // Act
    await sync(c);
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    expect(txs.find((t) => t.description.startsWith("CAFE"))?.description).toBe("CAFE \uFFFDNERO ");
    expect(txs.find((t) => t.description.startsWith("HUGE"))?.description.length).toBe(1024);
    expect(txs.filter((t) => t.status === "booked").length).toBeGreaterThan(2);
    expect((await connectionOf(c)).syncStats?.consecutiveFailures).toBe(0);
  });

  it("a bank account id with '#' is stored under a safe id of ours and syncs; the bank's id is kept", async () => {
    // Prepare
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, account_id_suffix: "#1" });
    // Act
    await sync(c);
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.accountId).toBe(storedAccountId(`${c.account}#1`));
    expect(accounts[0]?.accountId).toMatch(/^acc_[0-9a-f]{32}$/);
    expect(accounts[0]?.providerAccountId).toBe(`${c.account}#1`);
    expect(txs.length).toBeGreaterThan(0);
  });

  it("an account with an empty type and a name of lone surrogates, control characters and 450 KB is stored with a sanitised name", async () => {
    // Prepare
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      account_overrides: { [c.account]: { fields: { account_type: "", display_name: `CURRENT \uD800\u0000${"X".repeat(450_000)}` } } },
    });
    // Act
    await sync(c);
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]?.type).toBe("TRANSACTION");
    expect(accounts[0]?.displayName.startsWith("CURRENT \uFFFD X")).toBe(true);
    expect(accounts[0]?.displayName.length).toBe(256);
    expect(txs.length).toBeGreaterThan(0);
    expect((await connectionOf(c)).syncStats?.consecutiveFailures).toBe(0);
  });

  it("an account whose balance the bank serves malformed is quarantined with its reason, left as stored, and the others sync", async () => {
    // Prepare: two accounts synced once, then the second's balance comes as "12,50"
    const c = await connect({ accounts: 2 });
    const [first, second] = c.sim.accounts.map((a) => a.account_id) as [string, string];
    await sync(c);
    const before = (await repos.accounts.listByUser(c.userId)).items.find((a) => a.providerAccountId === second);
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, balance_overrides: { [second]: { fields: { current: "12,50" } } } });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: first, description: "AFTER FIRST", amount: "3.00" });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: second, description: "AFTER SECOND", amount: "4.00" });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(txs.some((t) => t.description === "AFTER FIRST")).toBe(true);
    expect(txs.some((t) => t.description === "AFTER SECOND")).toBe(false);
    const after = accounts.find((a) => a.providerAccountId === second);
    expect(after).toMatchObject({ closed: false, version: before?.version, balance: before?.balance });
    const conn = await connectionOf(c);
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 0, lastQuarantined: 1 });
    expect(conn.quarantine?.at(-1)).toMatchObject({ accountId: after?.accountId, reason: expect.stringContaining("current") });
    expect(conn.status).toBe("active");
  });

  it("an account listed with an id no request line can carry (20,000 characters) is quarantined, and the others sync", async () => {
    // Prepare
    const c = await connect({ accounts: 2 });
    const [first, second] = c.sim.accounts.map((a) => a.account_id) as [string, string];
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, account_overrides: { [second]: { fields: { account_id: "a".repeat(20_000) } } } });
    // Act
    await sync(c);
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts.map((a) => a.providerAccountId)).toEqual([first]);
    expect(txs.length).toBeGreaterThan(0);
    const conn = await connectionOf(c);
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 0, lastQuarantined: 1 });
    expect(conn.quarantine?.at(-1)).toMatchObject({ accountId: storedAccountId("a".repeat(20_000)), reason: expect.stringContaining("account_id") });
  });

  it("an account whose number the bank serves as 450 KB is stored without it, and the connection syncs", async () => {
    // Prepare
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      account_overrides: { [c.account]: { fields: { account_number: { number: "1".repeat(450_000), sort_code: "04-00-04" } } } },
    });
    // Act
    await sync(c);
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts).toHaveLength(1);
    expect(txs.length).toBeGreaterThan(0);
    const [opened] = (await repos.accounts.listByUser(c.userId)).items;
    expect(opened?.accountNumber).toBeUndefined();
    expect(opened?.sortCode).toBe("04-00-04");
  });

  it("a balance the bank serves past a penny (or as a float that is not one) is stored with its decimals derived from the pence it rounds to", async () => {
    // Prepare: the bank serves the current balance with three decimals and the available one as
    // a JSON float no decimal writes (0.1 + 0.2)
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      balance_overrides: { [c.account]: { fields: { current: "1234.567", available: 0.1 + 0.2 } } },
    });
    // Act
    await sync(c);
    // Assess: the decimals the app shows say what the pence say
    const [account] = (await repos.accounts.listByUser(c.userId)).items;
    expect(account?.balance).toMatchObject({ currentMinor: 123457, current: 1234.57, availableMinor: 30, available: 0.3 });
  });

  it("an entry of the accounts or cards list the schema refuses is quarantined with its reason, left as stored, and the others sync", async () => {
    // Prepare: two accounts and a card synced once; then the second account is listed with a
    // currency of 12 and the card without its id (so no stored account may be taken as unlisted)
    const c = await connect({ accounts: 2, cards: 1 });
    const [first, second, card] = c.sim.accounts.map((a) => a.account_id) as [string, string, string];
    await sync(c);
    const before = (await repos.accounts.listByUser(c.userId)).items;
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      account_overrides: { [second]: { fields: { currency: 12 } }, [card]: { omit: ["account_id"] } },
    });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: first, description: "AFTER FIRST", amount: "3.00" });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(txs.some((t) => t.description === "AFTER FIRST")).toBe(true);
    for (const id of [second, card]) {
      const was = before.find((a) => a.providerAccountId === id);
      expect(
        accounts.find((a) => a.providerAccountId === id),
        id,
      ).toMatchObject({ closed: false, version: was?.version, balance: was?.balance });
    }
    const conn = await connectionOf(c);
    expect(conn.status).toBe("active");
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 0, lastQuarantined: 2 });
    expect(conn.quarantine?.slice(-2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: storedAccountId(second), reason: expect.stringMatching(/^account not synced: .*currency/) }),
        expect.objectContaining({ accountId: "cards[0]", reason: expect.stringMatching(/^account not synced: .*account_id/) }),
      ]),
    );
  });

  it("a hold still pending whose date is older than a history slice stays stored when the next window spans two slices", async () => {
    // Prepare: the bank dates a pending hold 263 days back; the next (attended) window reaches back to it
    const c = await connect();
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "OLD HOLD TESTVILLE",
      amount: "0.01",
      pending_hours: 24,
      raw: { timestamp: "2026-03-02T00:00:00Z" },
    });
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, requestedAt: new Date(Date.now() + 1000).toISOString() });
    // Assess
    const conn = await connectionOf(c);
    expect(conn.syncStats).toMatchObject({ totalSyncs: 2, lastRemoved: 0 });
    const { Items = [] } = await db.doc.send(
      new QueryCommand({ TableName: db.tableName, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": `USER#${c.userId}` } }),
    );
    const hold = Items.filter((i) => i.description === "OLD HOLD TESTVILLE");
    expect(hold.map((i) => [i.status, i.deletedAt ?? null])).toEqual([["pending", null]]);
  });

  it("an account the bank lists twice is stored once, its transactions once, and a refused one quarantined once", async () => {
    // Prepare
    const c = await connect({ accounts: 2 });
    const [first, second] = c.sim.accounts.map((a) => a.account_id);
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, account_overrides: { [second as string]: { fields: { account_id: first } } } });
    // What the bank serves well for that account, before one it serves malformed is added.
    const ctx = { accessToken: (await connectionOf(c)).accessToken, connectionId: c.connectionId, psuIp: PSU_IP };
    const now = await sandbox.admin.now();
    const booked = await truelayer.getTransactions(ctx, first as string, { from: "2020-01-01", to: now.toISOString().slice(0, 10) });
    const pending = await truelayer.getPendingTransactions(ctx, first as string);
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: first as string,
      description: "LISTED TWICE REFUSED",
      amount: "1.00",
      raw: { running_balance: null },
    });
    // Act
    await sync(c);
    const afterFirst = await connectionOf(c);
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts.map((a) => a.providerAccountId)).toEqual([first]);
    // As many as the bank serves for that account, not twice as many.
    expect(txs.length).toBe(booked.length + pending.length);
    expect(txs.length).toBeGreaterThan(0);
    expect(afterFirst.quarantine?.filter((q) => q.reason.startsWith("running_balance"))).toHaveLength(1);
    expect((await connectionOf(c)).syncStats).toMatchObject({ consecutiveFailures: 0, lastQuarantined: 1 });
  });

  it("two transactions the bank serves under one normalised id, and two identical ones without ids, are all stored", async () => {
    // Prepare
    const c = await connect();
    for (const description of ["SHARED ID A", "SHARED ID B"]) {
      await sandbox.admin.addTransaction(c.sim.user_id, {
        account_id: c.account,
        description,
        amount: "4.00",
        raw: { normalised_provider_transaction_id: "txn-shared" },
      });
    }
    for (let i = 0; i < 2; i++) {
      await sandbox.admin.addTransaction(c.sim.user_id, {
        account_id: c.account,
        description: "TWIN COFFEE",
        amount: "2.80",
        timestamp: "2026-11-19T08:00:00Z",
        omit: ["normalised_provider_transaction_id", "provider_transaction_id"],
      });
    }
    // Act
    await sync(c);
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    expect(
      txs
        .filter((t) => t.description.startsWith("SHARED ID"))
        .map((t) => t.description)
        .sort(),
    ).toEqual(["SHARED ID A", "SHARED ID B"]);
    expect(txs.filter((t) => t.description === "TWIN COFFEE")).toHaveLength(2);
  });

  it("two transactions under one normalised id on dates in different slices of a long history are both stored, once each", async () => {
    // Prepare: the bank serves "txn-shared-slices" 300 and 30 days back; a backfill of 400 days
    // is synced in three slices of 180 days, so the two arrive in different batches
    const c = await connect();
    await addSharedPair(c, "SLICED", 300 * 86_400_000, 30 * 86_400_000);
    const now = await sandbox.admin.now();
    const backfillFrom = new Date(now.getTime() - 400 * 86_400_000).toISOString().slice(0, 10);
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, backfillFrom });
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, backfillFrom, requestedAt: new Date(Date.now() + 1000).toISOString() });
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    const shared = txs.filter((t) => t.description.startsWith("SLICED SHARED"));
    expect(shared.map((t) => [t.description, t.amountMinor]).sort()).toEqual([
      ["SLICED SHARED NEW", -900],
      ["SLICED SHARED OLD", -700],
    ]);
    expect(new Set(shared.map((t) => t.transactionId)).size).toBe(2);
  });

  // The next window starts 14 days before the last sync; stored copies are read from a day before it.
  it.each([
    { older: "far back, outside what the next sync reads", olderAgoMs: 60 * 86_400_000, tag: "WINDOW" },
    { older: "in the day the next sync reads but does not ask the bank for", olderAgoMs: 14 * 86_400_000 + 25 * 3_600_000, tag: "MARGIN" },
  ])(
    "two transactions under one normalised id, the later one alone in the next window and the older $older: neither overwritten nor stored twice",
    async ({ olderAgoMs, tag }) => {
      // Prepare
      const c = await connect();
      await addSharedPair(c, tag, olderAgoMs, 5 * 86_400_000);
      // Act: a first sync of 90 days holds both; the next window only the newer
      await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
      await sync(c, { reason: "refresh_now", psuIp: PSU_IP, requestedAt: new Date(Date.now() + 1000).toISOString() });
      // Assess
      const { txs } = await expectExactCounts(c.userId);
      const shared = txs.filter((t) => t.description.startsWith(`${tag} SHARED`));
      expect(shared.map((t) => [t.description, t.amountMinor]).sort()).toEqual([
        [`${tag} SHARED NEW`, -900],
        [`${tag} SHARED OLD`, -700],
      ]);
      expect((await connectionOf(c)).syncStats).toMatchObject({ totalSyncs: 2, lastNew: 0, lastChanged: 0 });
    },
  );

  it("a backfill after a first sync: the older transaction under a shared id is stored beside the newer, neither overwritten nor stored twice", async () => {
    // Prepare: a first sync of 90 days stores the newer one alone; a 400-day backfill then
    // brings the older one, numbered in its own slice onto the newer one's id
    const c = await connect();
    await addSharedPair(c, "BACKFILL", 300 * 86_400_000, 30 * 86_400_000);
    const now = await sandbox.admin.now();
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    const backfillFrom = new Date(now.getTime() - 400 * 86_400_000).toISOString().slice(0, 10);
    // Act: the backfill, then an ordinary sync
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, backfillFrom, requestedAt: new Date(Date.now() + 1000).toISOString() });
    // The backfill added what the first sync could not see and rewrote nothing stored.
    const backfill = (await connectionOf(c)).syncStats;
    expect(backfill?.lastChanged).toBe(0);
    expect(backfill?.lastNew).toBeGreaterThan(0);
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, requestedAt: new Date(Date.now() + 2000).toISOString() });
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    const shared = txs.filter((t) => t.description.startsWith("BACKFILL SHARED"));
    expect(shared.map((t) => [t.description, t.amountMinor]).sort()).toEqual([
      ["BACKFILL SHARED NEW", -900],
      ["BACKFILL SHARED OLD", -700],
    ]);
    expect((await connectionOf(c)).syncStats).toMatchObject({ totalSyncs: 3, lastNew: 0, lastChanged: 0 });
  });

  it("a backfill whose older-history request one account refuses (endpoint not supported) syncs the usual window and records the refusal", async () => {
    // Prepare: two accounts; the bank refuses the asynchronous request of the first one only
    const c = await connect({ accounts: 2 });
    const refused = c.account;
    const client: TrueLayerClient = {
      ...truelayer,
      requestTransactionsAsync: async (ctx, source, webhookUri) => {
        if (source.accountId === refused)
          throw new EndpointNotSupportedError("TrueLayer GET /transactions answered 501 (endpoint_not_supported)", { status: 501 });
        return truelayer.requestTransactionsAsync(ctx, source, webhookUri);
      },
    };
    const now = await sandbox.admin.now();
    const backfillFrom = new Date(now.getTime() - 200 * 86_400_000).toISOString().slice(0, 10);
    // Act
    await sync(
      c,
      { reason: "backfill", psuIp: PSU_IP, backfillFrom },
      { truelayer: client, asyncHistory: { webhookUri: "http://127.0.0.1:9/truelayer/results/unused-secret-0123" } },
    );
    // Assess: the window is stored, the run completed, the refusal is on the connection
    const { txs } = await expectExactCounts(c.userId);
    expect(txs.length).toBeGreaterThan(0);
    const conn = await connectionOf(c);
    expect(conn.lastSyncAt).toBeDefined();
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 0 });
    expect(conn.quarantine?.at(-1)).toMatchObject({ accountId: storedAccountId(refused), reason: expect.stringContaining("endpoint_not_supported") });
  });

  it("a provider without cards or pending transactions (501 endpoint_not_supported) syncs what it supports, and keeps stored pending ones", async () => {
    // Prepare: first sync with a pending hold stored; then the provider answers 501 on /cards and /transactions/pending
    const c = await connect({ cards: 1 });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: c.account, description: "HOLD BEFORE", amount: "20.00", pending_hours: 48 });
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    const before = await expectExactCounts(c.userId);
    const card = before.accounts.find((a) => a.kind === "card");
    expect(before.txs.some((t) => t.description === "HOLD BEFORE" && t.status === "pending")).toBe(true);
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      errors: [
        { status: 501, error: "endpoint_not_supported", path: "/cards" },
        { status: 501, error: "endpoint_not_supported", path: "/transactions/pending" },
      ],
    });
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: c.account, description: "BOOKED AFTER", amount: "3.00" });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess: the account's booked transactions synced, the stored hold and the card left as they were
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(txs.some((t) => t.description === "BOOKED AFTER")).toBe(true);
    expect(txs.some((t) => t.description === "HOLD BEFORE" && t.status === "pending" && !t.deletedAt)).toBe(true);
    expect(accounts.find((a) => a.kind === "card")).toMatchObject({ closed: false, version: card?.version });
    expect((await connectionOf(c)).syncStats).toMatchObject({ consecutiveFailures: 0 });
  });

  it("a stored rule this release's schema refuses (a category since renamed) is skipped: the user's other rules apply and the connection syncs", async () => {
    // Prepare: two rules; one then names a category no release knows any more
    const c = await connect();
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: c.account, description: "ZEBRA YOGA STUDIO", amount: "12.00" });
    const at = new Date().toISOString();
    const rule = (ruleId: string, contains: string) => ({
      userId: c.userId,
      ruleId,
      match: { contains },
      category: { primary: "shopping" as const, secondary: "shopping/general" as const },
      source: "explicit" as const,
      version: 1,
      createdAt: at,
      updatedAt: at,
    });
    await repos.rules.putNew(rule("r-zebra", "ZEBRA YOGA"));
    await repos.rules.putNew(rule("r-renamed", "ANYTHING"));
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.rule(c.userId, "r-renamed"),
        UpdateExpression: "SET category.secondary = :gone",
        ExpressionAttributeValues: { ":gone": "shopping/no_longer_a_category" },
      }),
    );
    // Act
    await sync(c);
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    expect(txs.find((t) => t.description.includes("ZEBRA YOGA"))?.category).toMatchObject({
      primary: "shopping",
      secondary: "shopping/general",
      ruleId: "r-zebra",
    });
    expect((await connectionOf(c)).syncStats).toMatchObject({ consecutiveFailures: 0 });
    expect(lines.some((l) => l.includes("r-renamed") && l.includes("rule fails its schema"))).toBe(true);
  });

  it("an HTML maintenance page served with 200 is retryable: RetryLater, nothing written, no failure counted", async () => {
    // Prepare
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, maintenance_pages: [{ path: "/accounts", times: 5 }] });
    // Act
    const attempt = sync(c);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderRetriesExhaustedError);
    expect(await stored(c.userId)).toEqual([]);
    const conn = await connectionOf(c);
    expect(conn.syncStats?.consecutiveFailures ?? 0).toBe(0);
    expect(conn.leaseOwner).toBeUndefined();
    // The retry line names the job, user and connection.
    const retry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "sync job will be retried");
    expect(retry).toMatchObject({ userId: c.userId, connectionId: c.connectionId, code: "sync.provider_unavailable" });
    expect(retry?.jobId).toBeDefined();
  });
});

describe("the window's edge", () => {
  it("a booked transaction the bank backdates 10 days after our last sync is stored", async () => {
    // Prepare
    const c = await connect();
    await sync(c);
    await sandbox.admin.advanceClock({ days: 1 });
    const now = await sandbox.admin.now();
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "BACKDATED TESTVILLE",
      amount: "7.00",
      timestamp: new Date(now.getTime() - 10 * 86_400_000).toISOString(),
    });
    // Act
    await sync(c);
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    expect(txs.filter((t) => t.description === "BACKDATED TESTVILLE" && t.status === "booked")).toHaveLength(1);
  });

  it("a hold that books late under its purchase date: its booked copy arrives before the pending one is removed", async () => {
    // Prepare: bought 8 days ago, pending until 9 days after the purchase
    const c = await connect();
    const start = await sandbox.admin.now();
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "LATE HOLD TESTVILLE",
      amount: "55.00",
      timestamp: new Date(start.getTime() - 8 * 86_400_000).toISOString(),
      pending_hours: 9 * 24,
    });
    await sync(c);
    expect((await stored(c.userId)).filter((t) => t.description === "LATE HOLD TESTVILLE").map((t) => t.status)).toEqual(["pending"]);
    // Act: synced daily meanwhile, it books two days later
    await sandbox.admin.advanceClock({ days: 1 });
    await sync(c);
    await sandbox.admin.advanceClock({ days: 1 });
    await sync(c);
    // Assess: the money is still there, booked
    const { txs } = await expectExactCounts(c.userId);
    const copies = txs.filter((t) => t.description === "LATE HOLD TESTVILLE");
    expect(copies.map((t) => [t.status, t.amountMinor])).toEqual([["booked", -5500]]);
  });

  it("a pending transaction older than 30 days that vanishes is removed (the sync reaches back to the oldest stored pending)", async () => {
    // Prepare: a hold from 40 days ago, gone after 41 days
    const c = await connect({ history_days: 5 });
    const start = await sandbox.admin.now();
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: c.account,
      description: "ANCIENT HOLD TESTVILLE",
      amount: "12.00",
      timestamp: new Date(start.getTime() - 40 * 86_400_000).toISOString(),
      pending_hours: 41 * 24,
      vanishes: true,
    });
    await sync(c);
    expect((await stored(c.userId)).filter((t) => t.description === "ANCIENT HOLD TESTVILLE")).toHaveLength(1);
    // Act
    await sandbox.admin.advanceClock({ days: 2 });
    await sync(c);
    // Assess
    const { txs, accounts } = await expectExactCounts(c.userId);
    expect(txs.filter((t) => t.description === "ANCIENT HOLD TESTVILLE")).toEqual([]);
    expect(accounts[0]?.transactionSummary.oldestPendingAt ?? null).not.toBe(new Date(start.getTime() - 40 * 86_400_000).toISOString());
  });

  it("an account the bank stops listing (no 404) is closed and its pending holds removed; its booked history stays", async () => {
    // Prepare
    const c = await connect({ accounts: 2 });
    const gone = c.sim.accounts[1]?.account_id as string;
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: gone, description: "HOLD ON GONE", amount: "9.00", pending_hours: 48 });
    await sync(c);
    const booked = (await stored(c.userId)).filter((t) => t.accountId === gone && t.status === "booked").length;
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, unlisted_accounts: [gone] });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts.find((a) => a.accountId === gone)?.closed).toBe(true);
    expect(txs.filter((t) => t.accountId === gone && t.status === "pending")).toEqual([]);
    expect(txs.filter((t) => t.accountId === gone && t.status === "booked")).toHaveLength(booked);
  });
});

describe("duplicate and concurrent jobs", () => {
  it("a job id that already completed is a no-op: the bank is not called and nothing is written", async () => {
    // Prepare
    const c = await connect();
    const job = body(c);
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now()));
    const requests = (await sandbox.admin.requests()).length;
    const { db: countingDb, counts } = counting();
    await Promise.all([drain("budgetRecalc"), drain("recurring")]);
    // Act
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now(), { db: countingDb }));
    // Assess
    expect((await sandbox.admin.requests()).length).toBe(requests);
    expect([...counts.keys()].filter((k) => k.startsWith("Transact") || k.startsWith("Put") || k.startsWith("Batch"))).toEqual([]);
    expect(await drain("recurring")).toEqual([]);
  });

  it("a delivery whose connection cannot be opened after the lease was taken (KMS unavailable) gives the lease back: its retry syncs at once", async () => {
    // Prepare: KMS refuses the first Decrypt (throttled), as a blip would; a fresh key cache, so the
    // tokens the lease returns must be opened through it
    const c = await connect();
    let refusals = 1;
    const kms = {
      send: (command: { constructor: { name: string } }) => {
        if (command.constructor.name === "DecryptCommand" && refusals-- > 0)
          return Promise.reject(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
        return stack.aws.kms.send(command as never);
      },
    };
    const blip = createRepositories(db, createFieldEncryptor({ kms, keyId: stack.handles.keyId }));
    const job = body(c);
    // Act
    const first = await handleSyncJob({ body: job }, deps(await sandbox.admin.now(), { repos: blip })).catch((e: unknown) => e);
    // Assess: retryable, the lease free again, and the job's redelivery runs rather than waiting out the lease
    expect(first).toMatchObject({ code: "crypto.kms_unavailable", retryable: true });
    expect((await connectionOf(c)).leaseOwner).toBeUndefined();
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now(), { repos: blip }));
    expect((await connectionOf(c)).recentJobIds).toContain(JSON.parse(job).jobId);
  });

  it("a copy that finds the lease held retries soon, not after the holder's whole lease", async () => {
    // Prepare
    const c = await connect();
    const now = await sandbox.admin.now();
    await repos.connections.acquireLease(
      c.userId,
      c.connectionId,
      "other-worker/x/job:other",
      new Date(now.getTime() + 240_000).toISOString(),
      now.toISOString(),
    );
    // Act
    const attempt = handleSyncJob({ body: body(c) }, deps(now));
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    const err = (await attempt.catch((e: unknown) => e)) as LeaseHeldError;
    expect(err.delaySeconds).toBeLessThanOrEqual(15);
    // A copy of the very job the holder runs comes back soon too (the holder may be its own dead
    // delivery); once the job completed, a copy is done at once.
    const same = JSON.stringify({ jobId: "other", userId: c.userId, connectionId: c.connectionId, reason: "scheduled", requestedAt: now.toISOString() });
    await expect(handleSyncJob({ body: same }, deps(now))).rejects.toBeInstanceOf(LeaseHeldError);
  });

  it("a job id longer than the events allow is refused before anything runs", async () => {
    const c = await connect();
    await expect(handleSyncJob({ body: body(c, { jobId: "j".repeat(200) }) }, deps(await sandbox.admin.now()))).rejects.toBeInstanceOf(InvalidJobError);
    expect((await connectionOf(c)).leaseOwner).toBeUndefined();
  });

  it("a sync that outlives the lease's first term renews it, and a duplicate job is refused meanwhile", async () => {
    // Prepare: every data call takes 1.5 s (two rounds of calls), the lease lasts 2 s
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 1500 });
    const simStart = (await sandbox.admin.now()).getTime();
    const realStart = Date.now();
    const clock = () => new Date(simStart + (Date.now() - realStart));
    // Act
    const running = handleSyncJob({ body: body(c) }, deps(clock, { leaseSeconds: 2 }));
    await new Promise((r) => setTimeout(r, 2300));
    const mid = await connectionOf(c);
    const duplicate = handleSyncJob({ body: body(c) }, deps(clock, { leaseSeconds: 2 }));
    // Assess
    await expect(duplicate).rejects.toBeInstanceOf(LeaseHeldError);
    expect(Date.parse(mid.leaseUntil as string)).toBeGreaterThan(simStart + 2000);
    await running;
    await expectExactCounts(c.userId);
    expect((await connectionOf(c)).leaseOwner).toBeUndefined();
  });

  it("a worker whose lease another holder took after it lapsed stops writing", async () => {
    // Prepare: slow bank, a lease of 1 s; the other holder takes it over at once
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 900 });
    const now = await sandbox.admin.now();
    // Act
    const running = handleSyncJob({ body: body(c) }, deps(now, { leaseSeconds: 1 }));
    await until(async () => (await connectionOf(c)).leaseOwner !== undefined, { message: "the worker holds the lease" });
    const later = new Date(now.getTime() + 5_000);
    await repos.connections.acquireLease(c.userId, c.connectionId, "other/y/job:other", new Date(later.getTime() + 60_000).toISOString(), later.toISOString());
    // Assess
    await expect(running).rejects.toBeInstanceOf(LeaseLostError);
    expect(await stored(c.userId)).toEqual([]);
    expect((await connectionOf(c)).leaseOwner).toBe("other/y/job:other");
  });
});

describe("a sync the runtime asks to stop", () => {
  it("stops before its next write and releases the lease, so the message's next delivery syncs at once", async () => {
    // Prepare: a slow bank (two rounds of 900 ms calls); the runtime's stop comes while the first round runs
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 900 });
    const now = await sandbox.admin.now();
    const stop = new AbortController();
    const job = body(c);
    // Act
    const running = handleSyncJob({ body: job }, deps(now, { signal: stop.signal }));
    await until(async () => (await connectionOf(c)).leaseOwner !== undefined, { message: "the worker holds the lease" });
    stop.abort(new StopRequestedError("deadline"));
    // Assess: the stop's error, nothing written, the lease free (not held for its 240 s term)
    await expect(running).rejects.toBeInstanceOf(StopRequestedError);
    expect(await stored(c.userId)).toEqual([]);
    const after = await connectionOf(c);
    expect(after.leaseOwner).toBeUndefined();
    expect(after.lastSyncAt).toBeUndefined();
    // The redelivery runs the whole job.
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 0 });
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now()));
    expect((await connectionOf(c)).recentJobIds).toContain(JSON.parse(job).jobId);
    await expectExactCounts(c.userId);
  });

  it("a bank call in flight when the runtime asks to stop is cut off, not waited for", async () => {
    // Prepare: a bank that takes 25 s a call (the client's own timeout is 30 s)
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 25_000 });
    const simUser = sandbox.state.users.get(c.sim.user_id)!;
    const before = simUser.requests;
    const stop = new AbortController();
    // Act: stop once the bank has the first data call
    const running = handleSyncJob({ body: body(c) }, deps(await sandbox.admin.now(), { signal: stop.signal }));
    const outcome = running.then(
      () => undefined,
      (err: unknown) => err,
    );
    await until(() => simUser.requests > before, { message: "the bank received a call" });
    const stoppedAt = Date.now();
    stop.abort(new StopRequestedError("deadline"));
    const err = await outcome;
    // Assess: the stop's error long before the bank would have answered; nothing written, lease free
    expect(err).toBeInstanceOf(StopRequestedError);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(await stored(c.userId)).toEqual([]);
    expect((await connectionOf(c)).leaseOwner).toBeUndefined();
  }, 60_000);

  it("asked to stop before it starts, makes no bank call and holds nothing", async () => {
    const c = await connect();
    const stop = new AbortController();
    stop.abort(new StopRequestedError("shutdown"));
    const requests = (await sandbox.admin.requests()).length;
    await expect(handleSyncJob({ body: body(c) }, deps(await sandbox.admin.now(), { signal: stop.signal }))).rejects.toBeInstanceOf(StopRequestedError);
    expect((await sandbox.admin.requests()).length).toBe(requests);
    expect((await connectionOf(c)).leaseOwner).toBeUndefined();
  });
});

describe("nothing written when nothing changed", () => {
  it("a first sync of new accounts reads no stored transaction; an unchanged re-sync writes only the lease and the connection, and sends no event", async () => {
    // Prepare
    const c = await connect({ accounts: 2, cards: 1 });
    const first = counting();
    // Act
    await sync(c, {}, { db: first.db, repos: createRepositories(first.db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId })) });
    await Promise.all([drain("budgetRecalc"), drain("recurring")]);
    const again = counting();
    await sync(c, {}, { db: again.db, repos: createRepositories(again.db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId })) });
    // Assess
    expect(first.counts.get("BatchGetCommand") ?? 0).toBe(0);
    // Nothing: the connection says its user has no rules (created by connections.create, ADR
    // 0044), and a connection that never synced has no account stored, so neither its accounts
    // nor any transaction is read.
    expect(first.counts.get("QueryCommand") ?? 0).toBe(0);
    // The lease is taken once, and released with the run's record inside the last transaction.
    expect(first.counts.get("UpdateCommand")).toBe(1);
    expect(first.counts.get("PutCommand") ?? 0).toBe(0);
    expect(again.counts.get("TransactWriteItemsCommand") ?? 0).toBe(0);
    const writes = ["PutCommand", "UpdateCommand", "DeleteCommand", "BatchWriteCommand", "TransactWriteItemsCommand"].reduce(
      (n, k) => n + (again.counts.get(k) ?? 0),
      0,
    );
    expect(writes).toBeLessThanOrEqual(2);
    expect(await drain("recurring")).toEqual([]);
    await expectExactCounts(c.userId);
  });
});

describe("refresh tokens", () => {
  it("a pair rotated by a refresh still in flight when the sync gives up is stored, and the next sync uses it", async () => {
    // Prepare: a 401 mid-sync makes the worker refresh while another call keeps failing
    const c = await connect();
    await sandbox.admin.setScenario(c.sim.user_id, {
      unattended_limit: null,
      errors: [
        { status: 401, error: "invalid_token", path: "/balance", times: 1 },
        { status: 503, error: "provider_error", path: "/transactions/pending", times: 20 },
      ],
    });
    // Act
    await expect(sync(c)).rejects.toBeInstanceOf(ProviderRetriesExhaustedError);
    // Assess
    const conn = await connectionOf(c);
    expect(conn.refreshToken).not.toBe(c.connection.refreshToken);
    expect(conn.leaseOwner).toBeUndefined();
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, errors: [] });
    await sync(c, {}, { now: () => new Date(Date.parse(conn.tokenExpiresAt) - 60_000) });
    expect((await connectionOf(c)).status).toBe("active");
    expect((await stored(c.userId)).length).toBeGreaterThan(0);
  });

  it("invalid_grant after another run stored a newer pair retries with theirs instead of parking the connection", async () => {
    // Prepare: the token is due for refresh; another run rotates and stores the pair first
    const c = await connect({ tokenTtlMs: 60_000 });
    let raced = false;
    const racing: TrueLayerClient = {
      ...truelayer,
      refreshToken: async (refreshToken, context) => {
        if (!raced) {
          raced = true;
          const theirs = await truelayer.refreshToken(refreshToken, context);
          await repos.connections.storeTokens(
            c.connection,
            { accessToken: theirs.accessToken, refreshToken: theirs.refreshToken, tokenExpiresAt: theirs.expiresAt.toISOString() },
            new Date().toISOString(),
          );
        }
        return truelayer.refreshToken(refreshToken, context);
      },
    };
    // Act
    const attempt = sync(c, {}, { truelayer: racing });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TokenRotatedElsewhereError);
    expect((await connectionOf(c)).status).toBe("active");
    expect(await drain("alertDispatch")).toEqual([]);
    await sync(c);
    expect((await connectionOf(c)).status).toBe("active");
  });
});
