import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { type BankConnection, type Db, keys, type Repositories, type Transaction } from "@expenzez/db";
import { parseDeliveredEvent, type ReceivedEvent } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { startWorker, toSqsLambdaHandler } from "@expenzez/runtime";
import { ourTransactionId } from "@expenzez/sync";
import { emulatorEndpoint, receiveAll, until } from "@expenzez/testing";
import type { TrueLayerClient } from "@expenzez/truelayer";
import type { RunningSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { historySlices } from "../src/history";
import {
  handleSyncJob,
  LARGE_TRANSACTION_MINOR,
  LeaseHeldError,
  ProviderRetriesExhaustedError,
  SYNC_PHASES,
  type SyncDeps,
  type SyncPhase,
} from "../src/index";
import { syncWorker } from "../src/service";
import { type ConnectOptions, type SyncHarness, startSyncHarness } from "./harness";

// Needs the local AWS emulator (started by the vitest global setup) and runs the TrueLayer simulator in-process.

let stack: LocalStack;
let db: Db;
let repos: Repositories;
let sandbox: RunningSandbox;
let truelayer: TrueLayerClient;
let harness: SyncHarness;
const log = createLogger("test", { level: "silent" });
const PSU_IP = "203.0.113.7";

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "sync-worker-tests", log });
  ({ stack, db, repos, sandbox, truelayer } = harness);
});

afterAll(async () => {
  await sandbox?.stop();
});

const queues = () => stack.handles.queues;
async function drain(queue: "budgetRecalc" | "recurring" | "alertDispatch"): Promise<ReceivedEvent[]> {
  return (await receiveAll(stack.aws.sqs, queues()[queue].url, { remove: true })).map((m) => parseDeliveredEvent(m.Body as string));
}

beforeEach(async () => {
  await Promise.all([drain("budgetRecalc"), drain("recurring"), drain("alertDispatch")]);
});

function deps(now: Date, over: Partial<SyncDeps> = {}): SyncDeps {
  return {
    db,
    repos,
    truelayer,
    relay: { db, events: stack.aws.events, busName: stack.handles.busName, log },
    log,
    workerId: "test",
    now: () => now,
    random: () => 0.5,
    ...over,
  };
}

let jobs = 0;
function body(c: { userId: string; connectionId: string }, over: Record<string, unknown> = {}): string {
  jobs++;
  return JSON.stringify({
    jobId: `job-${jobs}`,
    userId: c.userId,
    connectionId: c.connectionId,
    reason: "scheduled",
    requestedAt: new Date().toISOString(),
    ...over,
  });
}

/** Runs one job on the simulator's clock. */
async function sync(c: { userId: string; connectionId: string }, over: Record<string, unknown> = {}, extra: Partial<SyncDeps> = {}): Promise<void> {
  await handleSyncJob({ body: body(c, over) }, deps(await sandbox.admin.now(), extra));
}

/** A simulator user with a short history and their connection stored with its tokens. */
const connect = (options: ConnectOptions = {}) => harness.connect({ cards: 1, history_days: 30, ...options });

async function storedTransactions(userId: string): Promise<Transaction[]> {
  const all: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.transactions.listByUser(userId, { cursor, limit: 500 });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

/** Invariant 1: each account's counters equal what is stored for it. */
async function expectExactCounts(userId: string) {
  const txs = await storedTransactions(userId);
  const accounts = (await repos.accounts.listByUser(userId)).items;
  for (const a of accounts) {
    const mine = txs.filter((t) => t.accountId === a.accountId);
    expect(a.transactionSummary.totalTransactions, a.accountId).toBe(mine.length);
    expect(a.transactionSummary.pendingTransactions, a.accountId).toBe(mine.filter((t) => t.status === "pending").length);
  }
  return { txs, accounts };
}

/** What the bank serves now for every account and card (attended, so no limits apply). */
async function bankView(c: { userId: string; connectionId: string }, from: string) {
  const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
  const ctx = { accessToken: conn.accessToken, connectionId: c.connectionId, psuIp: PSU_IP };
  const to = (await sandbox.admin.now()).toISOString();
  const booked = new Set<string>();
  const pending = new Set<string>();
  const balances = new Map<string, number>();
  for (const a of await truelayer.getAccounts(ctx)) {
    for (const t of await truelayer.getTransactions(ctx, a.account_id, { from, to })) booked.add(ourTransactionId(a.account_id, t));
    for (const t of await truelayer.getPendingTransactions(ctx, a.account_id)) pending.add(ourTransactionId(a.account_id, t));
    balances.set(a.account_id, (await truelayer.getBalance(ctx, a.account_id)).current_minor);
  }
  for (const card of await truelayer.getCards(ctx)) {
    for (const t of await truelayer.getCardTransactions(ctx, card.account_id, { from, to })) booked.add(ourTransactionId(card.account_id, t));
    for (const t of await truelayer.getCardPendingTransactions(ctx, card.account_id)) pending.add(ourTransactionId(card.account_id, t));
    balances.set(card.account_id, (await truelayer.getCardBalance(ctx, card.account_id)).current_minor);
  }
  return { booked, pending, balances };
}

describe("sync worker against moto and the TrueLayer simulator", () => {
  it("a first sync stores every booked transaction exactly once, counts equal the stored items, and announces itself", async () => {
    // Prepare
    const c = await connect({ history_days: 40 });
    // Act
    await sync(c);
    // Assess
    const { txs, accounts } = await expectExactCounts(c.userId);
    const bank = await bankView(c, c.sim.history_start);
    const storedBooked = txs.filter((t) => t.status === "booked").map((t) => t.transactionId);
    expect(new Set(storedBooked).size).toBe(storedBooked.length);
    expect(new Set(storedBooked)).toEqual(bank.booked);
    expect(new Set(txs.filter((t) => t.status === "pending").map((t) => t.transactionId))).toEqual(bank.pending);
    expect(accounts).toHaveLength(2);
    for (const a of accounts) expect(a.balance?.currentMinor).toBe(bank.balances.get(a.accountId));
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect(conn.lastSyncAt).toBeDefined();
    expect(conn.unattendedRefreshes?.count).toBe(1);
    expect(conn.syncStats?.lastNew).toBe(txs.length);
    expect(conn.leaseOwner).toBeUndefined();
    // Invariant 7: every committed sync announces itself to budgets and recurring detection.
    for (const queue of ["budgetRecalc", "recurring"] as const) {
      const synced = (await drain(queue)).filter((e) => e.detailType === "TransactionsSynced");
      expect(synced.length).toBeGreaterThan(0);
      const added = synced.reduce((n, e) => n + (e.detailType === "TransactionsSynced" ? e.detail.counts.added : 0), 0);
      expect(added).toBe(txs.length);
    }
  });

  it("tells a phase observer each phase of a first sync as it begins, in the order the run does them", async () => {
    // Prepare: a week, so the run is one chunk (30 days of an account and a card can pass the 96
    // transactions one TransactWriteItems holds, and then a second build and commit appear).
    const c = await connect({ history_days: 7 });
    const seen: SyncPhase[] = [];
    // Act
    await sync(c, {}, { phases: (p) => seen.push(p) });
    // Assess
    const entered = seen.filter((p, i) => p !== seen[i - 1]);
    const before = ["parse", "lease", "stored", "token", "fetch", "map", "read", "plan"];
    const after = ["finish", "release", "relay"];
    expect(entered.slice(0, before.length)).toEqual(before);
    expect(entered.slice(-after.length)).toEqual(after);
    // One chunk or more (the simulator's history varies), each built, a new account sealed on the way, then committed.
    const writes = entered.slice(before.length, -after.length);
    expect(writes.join(" ")).toMatch(/^(build( seal build)* commit ?)+$/);
    // An account and a card, both new: each sealed once.
    expect(writes.filter((p) => p === "seal")).toHaveLength(2);
    for (const p of seen) expect(SYNC_PHASES).toContain(p);
  });

  it("a duplicate delivery of a completed job is a no-op: no duplicates, counts and versions kept, no second announcement", async () => {
    // Prepare
    const c = await connect();
    const job = body(c);
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now()));
    const before = await expectExactCounts(c.userId);
    await Promise.all([drain("budgetRecalc"), drain("recurring")]);
    // Act
    await handleSyncJob({ body: job }, deps(await sandbox.admin.now()));
    // Assess
    const after = await expectExactCounts(c.userId);
    expect(after.txs.map((t) => [t.transactionId, t.version]).sort()).toEqual(before.txs.map((t) => [t.transactionId, t.version]).sort());
    expect(await drain("recurring")).toEqual([]);
  });

  it("a delivery that finds the lease held gets RetryLater (sync.lease_held) and changes nothing", async () => {
    // Prepare
    const c = await connect();
    const now = await sandbox.admin.now();
    await repos.connections.acquireLease(c.userId, c.connectionId, "other-worker", new Date(now.getTime() + 60_000).toISOString(), now.toISOString());
    // Act
    const attempt = handleSyncJob({ body: body(c) }, deps(now));
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(attempt).rejects.toMatchObject({ code: "sync.lease_held" });
    expect(await storedTransactions(c.userId)).toEqual([]);
    expect((await repos.connections.get(c.userId, c.connectionId))?.leaseOwner).toBe("other-worker");
  });

  it("two deliveries at once: while one holds the lease the other backs off, counts stay exact", async () => {
    // Prepare: the first delivery takes the lease and then waits at the bank until we let it go,
    // so the two runs are sure to overlap.
    const c = await connect();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = {
      ...truelayer,
      listAccounts: (async (...args: Parameters<typeof truelayer.listAccounts>) => {
        await gate;
        return truelayer.listAccounts(...args);
      }) as typeof truelayer.listAccounts,
    };
    const first = sync(c, {}, { truelayer: held });
    await until(async () => (await repos.connections.get(c.userId, c.connectionId))?.leaseOwner !== undefined, {
      message: "the first delivery holds the lease",
    });
    // Act
    const second = await sync(c).then(
      () => "synced",
      (err: unknown) => err,
    );
    release();
    await first;
    // Assess: the lease alone turned the second delivery away (the project's moto makes
    // conditional writes atomic, as DynamoDB does: shared/local-aws, _atomic_writes).
    expect(second).toBeInstanceOf(LeaseHeldError);
    await expectExactCounts(c.userId);
  });

  it("settles pending transactions as the clock moves: pending removed, booked added, balance latest, versions only grow", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    const account = c.sim.accounts[0]?.account_id as string;
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: account,
      description: "SQ *DISHOOM TESTVILLE",
      amount: "40.00",
      pending_hours: 24,
      tip: "5.00",
    });
    await sandbox.admin.addTransaction(c.sim.user_id, {
      account_id: account,
      description: "SHELL TESTVILLE HOLD",
      amount: 99,
      pending_hours: 24,
      vanishes: true,
    });
    await sync(c);
    const first = await expectExactCounts(c.userId);
    const pendingBefore = first.txs.filter((t) => t.status === "pending");
    expect(pendingBefore.filter((t) => /TESTVILLE/.test(t.description))).toHaveLength(2);
    const accountVersion = first.accounts[0]?.version as number;
    // Act: two days on, the access token has expired too (refreshed on the way)
    await sandbox.admin.advanceClock({ days: 2 });
    await sync(c);
    // Assess
    const second = await expectExactCounts(c.userId);
    const ids = new Set(second.txs.map((t) => t.transactionId));
    for (const p of pendingBefore.filter((t) => /TESTVILLE/.test(t.description))) expect(ids.has(p.transactionId)).toBe(false);
    expect(second.txs.some((t) => t.description.includes("DISHOOM TESTVILLE") && t.status === "booked" && t.amountMinor === -4500)).toBe(true);
    expect(second.txs.some((t) => t.description.includes("SHELL TESTVILLE"))).toBe(false);
    // The vanished hold is kept, soft-deleted (retention), and hidden from the reads above.
    const hold = pendingBefore.find((t) => t.description.includes("SHELL TESTVILLE"));
    expect(await repos.transactions.get(c.userId, hold?.transactionId ?? "", { includeDeleted: true })).toMatchObject({ deletedReason: "vanished" });
    const bank = await bankView(c, c.sim.history_start);
    expect(new Set(second.txs.filter((t) => t.status === "booked").map((t) => t.transactionId))).toEqual(bank.booked);
    // Pending ones the bank still holds stay; every other one settled or vanished.
    expect(new Set(second.txs.filter((t) => t.status === "pending").map((t) => t.transactionId))).toEqual(bank.pending);
    expect(second.accounts[0]?.balance?.currentMinor).toBe(bank.balances.get(account));
    expect(second.accounts[0]?.version).toBeGreaterThan(accountVersion);
    for (const t of second.txs) {
      const old = first.txs.find((o) => o.transactionId === t.transactionId);
      if (old) expect(t.version).toBeGreaterThanOrEqual(old.version);
    }
  });

  it("keeps a user's category edit through a re-sync", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sync(c);
    const [target] = (await storedTransactions(c.userId)).filter((t) => t.status === "booked");
    if (!target) throw new Error("no booked transaction to edit");
    const edited = {
      ...target,
      category: { primary: "shopping", secondary: "shopping/general", confidence: 1, reason: "user_modified" as const, userModified: true },
    };
    await repos.transactions.updateVersioned(edited, target.version);
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const after = await repos.transactions.get(c.userId, target.transactionId);
    expect(after?.category).toMatchObject({ primary: "shopping", secondary: "shopping/general", userModified: true });
    await expectExactCounts(c.userId);
  });

  it("reads a user's rules only when the connection says there are some: none read for a user without, a rule stored later applies", async () => {
    // Prepare: two new users; one stores a rule after connecting
    const plain = await connect({ cards: 0 });
    const ruled = await connect({ cards: 0 });
    const account = ruled.sim.accounts[0]?.account_id as string;
    await sandbox.admin.addTransaction(ruled.sim.user_id, { account_id: account, description: "ZEBRA YOGA STUDIO", amount: "12.00" });
    const at = new Date().toISOString();
    await repos.rules.putNew({
      userId: ruled.userId,
      ruleId: "r-zebra",
      match: { contains: "ZEBRA YOGA" },
      category: { primary: "shopping", secondary: "shopping/general" },
      source: "explicit",
      version: 1,
      createdAt: at,
      updatedAt: at,
    });
    const read = vi.spyOn(repos.rules, "listUsableByUser");
    try {
      // Act
      await sync(plain);
      const readForPlain = read.mock.calls.length;
      await sync(ruled);
      // Assess
      expect(readForPlain).toBe(0);
      expect(read.mock.calls.map((c) => c[0])).toEqual([ruled.userId]);
    } finally {
      read.mockRestore();
    }
    expect((await repos.connections.get(plain.userId, plain.connectionId))?.hasRules).toBe(false);
    expect((await repos.connections.get(ruled.userId, ruled.connectionId))?.hasRules).toBe(true);
    const zebra = (await storedTransactions(ruled.userId)).find((t) => t.description.includes("ZEBRA YOGA"));
    expect(zebra?.category).toMatchObject({ primary: "shopping", secondary: "shopping/general" });
  });

  it("a long history is synced in slices: every booked transaction stored once, counts exact, a transfer across a slice boundary pairs", async () => {
    // Prepare: 400 days (three slices of 180) and a move between the two accounts across the first boundary
    const c = await connect({ accounts: 2, cards: 0, history_days: 400 });
    const now = await sandbox.admin.now();
    const backfillFrom = new Date(now.getTime() - 400 * 86_400_000).toISOString().slice(0, 10);
    const boundary = historySlices({ from: `${backfillFrom}T00:00:00.000Z`, to: now.toISOString() })[1]?.from as string;
    const [from, to] = c.sim.accounts.map((a) => a.account_id) as [string, string];
    const leg = { description: "ZXQ 4471 REF 9", amount: "1234.56", transaction_category: "OTHER" };
    await sandbox.admin.addTransaction(c.sim.user_id, {
      ...leg,
      account_id: from,
      transaction_type: "DEBIT",
      timestamp: new Date(Date.parse(boundary) - 1_800_000).toISOString(),
    });
    await sandbox.admin.addTransaction(c.sim.user_id, {
      ...leg,
      account_id: to,
      transaction_type: "CREDIT",
      timestamp: new Date(Date.parse(boundary) + 1_800_000).toISOString(),
    });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP, backfillFrom });
    // Assess
    const { txs } = await expectExactCounts(c.userId);
    const bank = await bankView(c, `${backfillFrom}T00:00:00.000Z`);
    const booked = txs.filter((t) => t.status === "booked").map((t) => t.transactionId);
    expect(new Set(booked).size).toBe(booked.length);
    expect(new Set(booked)).toEqual(bank.booked);
    const legs = txs.filter((t) => t.description.includes("ZXQ 4471"));
    expect(legs).toHaveLength(2);
    for (const t of legs) expect(t.category.secondary).toBe("transfers/own_accounts");
  });

  it("refreshes an access token that expires within 5 minutes and stores the rotated pair sealed", async () => {
    // Prepare
    const c = await connect({ cards: 0, tokenTtlMs: 60_000 });
    // Act
    await sync(c);
    // Assess
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect(conn.refreshToken).not.toBe(c.connection.refreshToken);
    expect(conn.accessToken).not.toBe(c.connection.accessToken);
    expect(Date.parse(conn.tokenExpiresAt)).toBeGreaterThan(Date.parse(c.connection.tokenExpiresAt));
    const raw = JSON.stringify((await stack.aws.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.connection(c.userId, c.connectionId) }))).Item);
    for (const secret of [conn.accessToken, conn.refreshToken, c.connection.accessToken, c.connection.refreshToken]) expect(raw).not.toContain(secret);
    await expectExactCounts(c.userId);
  });

  it("revoked consent (invalid_grant on refresh): reconnect_required, out of the schedule, ConnectionReconnectRequired to alert-dispatch", async () => {
    // Prepare
    const c = await connect({ cards: 0, tokenTtlMs: 60_000 });
    await sandbox.admin.setScenario(c.sim.user_id, { consent: "revoked" });
    // Act
    await sync(c);
    // Assess
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect(conn.status).toBe("reconnect_required");
    const raw = (await stack.aws.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.connection(c.userId, c.connectionId) }))).Item ?? {};
    expect(raw.GSI4PK).toBeUndefined();
    const events = await drain("alertDispatch");
    expect(events.map((e) => e.detailType)).toEqual(["ConnectionReconnectRequired"]);
    expect(events[0]?.detail).toMatchObject({ userId: c.userId, connectionId: c.connectionId, reason: "invalid_grant" });
    // A job for a connection that needs the user is done without touching the bank.
    await sync(c);
    expect(await storedTransactions(c.userId)).toEqual([]);
  });

  it("revoked consent seen on a data call (access_denied) also asks the user to reconnect", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sandbox.admin.setScenario(c.sim.user_id, { consent: "revoked" });
    // Act
    await sync(c);
    // Assess
    expect((await repos.connections.get(c.userId, c.connectionId))?.status).toBe("reconnect_required");
    const events = await drain("alertDispatch");
    expect(events[0]?.detail).toMatchObject({ connectionId: c.connectionId, reason: "access_denied" });
  });

  it("consent past its expiry: reconnect_required without calling the bank", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    const now = await sandbox.admin.now();
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    await repos.connections.updateVersioned({ ...conn, consentExpiresAt: new Date(now.getTime() - 60_000).toISOString() }, conn.version);
    // Act
    await handleSyncJob({ body: body(c) }, deps(now));
    // Assess
    expect((await repos.connections.get(c.userId, c.connectionId))?.status).toBe("reconnect_required");
    const events = await drain("alertDispatch");
    expect(events[0]?.detail).toMatchObject({ connectionId: c.connectionId, reason: "consent_expired" });
    expect(await storedTransactions(c.userId)).toEqual([]);
  });

  it("a scheduled job over the PSD2 limit of 4 a day is rescheduled for tomorrow without calling the bank", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    const now = await sandbox.admin.now();
    const day = now.toISOString().slice(0, 10);
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    await repos.connections.updateVersioned({ ...conn, unattendedRefreshes: { day, count: 4 } }, conn.version);
    // Act
    await handleSyncJob({ body: body(c) }, deps(now));
    // Assess
    const after = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect((after.nextSyncAt as string).slice(0, 10) > day).toBe(true);
    expect(await storedTransactions(c.userId)).toEqual([]);
  });

  it("an account the bank no longer knows (account_not_found) is marked closed with its history kept", async () => {
    // Prepare
    const c = await connect({ accounts: 2, cards: 0 });
    await sync(c);
    const gone = c.sim.accounts[1]?.account_id as string;
    const before = (await storedTransactions(c.userId)).filter((t) => t.accountId === gone && t.status === "booked").length;
    await sandbox.admin.setScenario(c.sim.user_id, { errors: [{ status: 404, error: "account_not_found", path: `/accounts/${gone}/` }] });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const { accounts, txs } = await expectExactCounts(c.userId);
    expect(accounts.find((a) => a.accountId === gone)?.closed).toBe(true);
    expect(txs.filter((t) => t.accountId === gone && t.status === "booked").length).toBe(before);
    expect(accounts.find((a) => a.accountId !== gone)?.closed).toBe(false);
  });

  it("TrueLayer still rate-limiting after the client's retries: RetryLater honouring Retry-After, nothing written", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sandbox.admin.setScenario(c.sim.user_id, {
      errors: [{ status: 429, error: "provider_too_many_requests", times: 10, retry_after: 7, path: "/accounts" }],
    });
    // Act
    const attempt = sync(c);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ProviderRetriesExhaustedError);
    await expect(attempt).rejects.toMatchObject({ code: "sync.provider_unavailable", delaySeconds: 7 });
    expect(await storedTransactions(c.userId)).toEqual([]);
    expect((await repos.connections.get(c.userId, c.connectionId))?.leaseOwner).toBeUndefined();
  });

  it("a permanent TrueLayer error records the failure and schedules the next try; the message is done", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sandbox.admin.setScenario(c.sim.user_id, { errors: [{ status: 403, error: "sca_exceeded", path: "/transactions" }] });
    // Act
    await sync(c);
    // Assess
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect(conn.status).toBe("active");
    expect(conn.syncStats).toMatchObject({ consecutiveFailures: 1, lastErrorCode: "truelayer.sca_exceeded" });
    expect(Date.parse(conn.nextSyncAt as string)).toBeGreaterThan(Date.parse(c.connection.nextSyncAt as string));
  });

  it("a concurrent writer that cancels our transaction makes the sync re-read and re-diff, counts stay exact", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sync(c);
    const account = c.sim.accounts[0]?.account_id as string;
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: account, description: "CONCURRENT TESTVILLE", amount: "3.20" });
    const before = (await repos.accounts.get(c.userId, account))?.version as number;
    let interfered = false;
    const doc = {
      send: async (command: Parameters<typeof db.doc.send>[0]) => {
        // transactWrite sends the low-level TransactWriteItemsCommand (marshalled by @expenzez/db).
        if (command.constructor.name === "TransactWriteItemsCommand" && !interfered) {
          interfered = true;
          // Another writer bumps the account between our read and our write.
          const current = await repos.accounts.get(c.userId, account);
          if (current) await repos.accounts.updateVersioned({ ...current, displayName: "Renamed meanwhile" }, current.version);
        }
        return db.doc.send(command as never);
      },
    } as Db["doc"];
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP }, { db: { ...db, doc } });
    // Assess
    expect(interfered).toBe(true);
    const { txs, accounts } = await expectExactCounts(c.userId);
    expect(txs.filter((t) => t.description.includes("CONCURRENT TESTVILLE"))).toHaveLength(1);
    expect(accounts[0]?.displayName).toBe("Renamed meanwhile");
    expect(accounts[0]?.version).toBeGreaterThanOrEqual(before + 2);
  });

  it("a new booked debit of £500 or more is announced as LargeTransactionDetected to alert-dispatch", async () => {
    // Prepare
    const c = await connect({ cards: 0 });
    await sync(c);
    await drain("alertDispatch");
    const account = c.sim.accounts[0]?.account_id as string;
    await sandbox.admin.addTransaction(c.sim.user_id, { account_id: account, description: "JOHN LEWIS TESTVILLE", amount: "650.00" });
    // Act
    await sync(c, { reason: "refresh_now", psuIp: PSU_IP });
    // Assess
    const large = (await drain("alertDispatch")).filter((e) => e.detailType === "LargeTransactionDetected");
    expect(large).toHaveLength(1);
    expect(large[0]?.detail).toMatchObject({ userId: c.userId, accountId: account, amountMinor: -65_000, thresholdMinor: LARGE_TRANSACTION_MINOR });
  });

  it("the runtimes' set-up from the environment finds the queues and syncs with its own clients", async () => {
    // Prepare
    const c = await connect({ cards: 0, tokenTtlMs: 60_000 });
    const runtime = await syncWorker.createRuntime({
      STAGE: "local",
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      LOG_LEVEL: "silent",
      TRUELAYER_AUTH_URL: sandbox.authUrl,
      TRUELAYER_DATA_URL: sandbox.dataUrl,
      TRUELAYER_CLIENT_ID: "sandbox-client",
      TRUELAYER_CLIENT_SECRET: "sandbox-secret",
    });
    expect(runtime.queueUrl).toBe(queues().syncJobs.url);
    expect(runtime.dlqUrl).toBe(queues().syncJobs.dlqUrl);
    const now = await sandbox.admin.now();
    // Act
    await handleSyncJob({ body: body(c) }, { ...runtime.deps, now: () => now });
    // Assess
    const conn = (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
    expect(conn.refreshToken).not.toBe(c.connection.refreshToken);
    await expectExactCounts(c.userId);
    expect((await drain("budgetRecalc")).some((e) => e.detailType === "TransactionsSynced")).toBe(true);
  });

  it("on Lambda, a sync still fetching as the invocation nears its timeout stops, releases its lease and is handed back at once", async () => {
    // Prepare: a bank that answers each call after 2.5 s; the job as Lambda's poller receives it, hidden for the queue's 300 s
    const c = await connect({ cards: 0 });
    await sandbox.admin.setScenario(c.sim.user_id, { unattended_limit: null, latency_ms: 2_500 });
    const q = queues().syncJobs;
    await receiveAll(stack.aws.sqs, q.url, { remove: true });
    const job = body(c);
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: job }));
    const { Messages } = await stack.aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 5, VisibilityTimeout: 300, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
    );
    const m = Messages![0]!;
    const now = await sandbox.admin.now();
    // The service's own handle (it passes the runtime's signal to the sync), behind the adapter
    const lambda = toSqsLambdaHandler((message, context) => syncWorker.handle(message, deps(now), context), {
      sqs: stack.aws.sqs,
      queueUrl: q.url,
      dlqUrl: q.dlqUrl,
      log,
      stopBeforeTimeoutMs: 5_000,
      settleMs: 1_000,
    });
    const endsAt = Date.now() + 8_000;
    // Act: an invocation with 8 s left, asked to stop after about 3 s
    const response = await lambda(
      {
        Records: [
          {
            messageId: m.MessageId!,
            receiptHandle: m.ReceiptHandle!,
            body: m.Body!,
            attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1" },
            eventSourceARN: "arn:aws:sqs:eu-west-2:000000000000:sync-jobs",
          },
        ],
      },
      { getRemainingTimeInMillis: () => endsAt - Date.now() },
    );
    // Assess: handed back in time, nothing written, the lease free, the job receivable now
    expect(Date.now()).toBeLessThan(endsAt);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: m.MessageId }]);
    // (A machine too loaded to reach the write by the settle margin abandons the run instead: it
    // still stops at that write and lets go, just after the answer.)
    await until(async () => ((await repos.connections.get(c.userId, c.connectionId)) as BankConnection).leaseOwner === undefined, {
      message: "the lease released",
    });
    expect(await storedTransactions(c.userId)).toEqual([]);
    expect(((await repos.connections.get(c.userId, c.connectionId)) as BankConnection).lastSyncAt).toBeUndefined();
    const again = await receiveAll(stack.aws.sqs, q.url, { remove: true });
    expect(again.map((a) => a.Body)).toEqual([job]);
  });

  it("an invalid job body run by the long-polling worker lands in the DLQ with its reason", async () => {
    // Prepare
    const q = queues().syncJobs;
    await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ jobId: "j-bad", reason: "whenever" }) }));
    const worker = startWorker({
      sqs: stack.aws.sqs,
      queueUrl: q.url,
      dlqUrl: q.dlqUrl,
      visibilityTimeoutSeconds: 30,
      waitTimeSeconds: 1,
      log,
      handler: (message, context) => handleSyncJob(message, deps(new Date(), { log: context.log })),
    });
    // Act
    await until(() => worker.stats.deadLettered === 1, { message: "the invalid job dead-lettered" });
    await worker.stop();
    // Assess
    const [dead, ...more] = await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(more).toEqual([]);
    expect(dead?.MessageAttributes?.failure_code?.StringValue).toBe("sync.invalid_job");
    expect(dead?.MessageAttributes?.failure_reason?.StringValue).toContain("reason");
  });
});
