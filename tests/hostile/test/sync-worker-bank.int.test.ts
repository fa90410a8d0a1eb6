import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type BankConnection, SK_PREFIX, type StoredBankAccount, type Transaction } from "@expenzez/db";
import { createLogger } from "@expenzez/logger";
import { RetryLater } from "@expenzez/runtime";
import { handleSyncJob } from "@expenzez/sync-worker";
import { type SyncHarness, startSyncHarness } from "@expenzez/sync-worker/testing";
import { accountSchema, balanceSchema, cardBalanceSchema, cardSchema, transactionSchema } from "@expenzez/truelayer";
import type { AddTransaction, ScenarioInput } from "@expenzez/truelayer-sandbox";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileText } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// The real sync (handleSyncJob on the emulator) against the TrueLayer simulator serving
// generated hostile accounts, balances and transactions through its admin API. After each case
// the user's partition is read and compared with what the simulator serves, read over HTTP
// independently of the worker and judged by the client's published schemas: nothing crashes,
// every valid transaction is stored exactly once (also after a second sync), every invalid one
// is quarantined with a reason on the connection, balances are the bank's, a failed sync writes
// nothing but the connection's record, and the connection syncs again once the bank is fixed.

const log = createLogger("hostile", { level: "silent" });
const PSU_IP = "203.0.113.7";
/** About 0.6 s each on a loaded 2-core machine (two syncs and the reads). */
const CASES = runs(60);
let harness: SyncHarness;

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "hostile-bank-data", log });
});

afterAll(async () => {
  await harness?.stop();
});

// --- generators -------------------------------------------------------------------------

const anyWrongType = fc.constantFrom<unknown>(null, true, 5, -1, [], {}, ["a"], { v: 1 });
const amounts = fc.oneof(
  fc.constantFrom<unknown>("12,50", "1,000.00", "£3.00", "1e3", "", " ", "NaN", "Infinity", "-0", "-0.00", "0012.50", " 3.10 ", "12.345", "9999999999999"),
  fc.constantFrom<unknown>(12.5, -3.1, 0, -0, 1e12, 0.1 + 0.2, 1.005),
  fc.integer({ min: -100_000, max: 100_000 }).map((p) => (p / 100).toFixed(2)),
  anyWrongType,
);
const currencies = fc.oneof(fc.constantFrom<unknown>("gbp", "GB", "", "EUR", "USD", "GBP\u0000", "GBPX", 826), anyWrongType);
const timestamps = fc.oneof(
  fc.constantFrom<unknown>(
    "2026-11-19",
    "2026-11-19 08:00",
    "2026-11-19T08:00",
    "2026-02-30T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "yesterday",
    "",
    1_763_000_000,
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "2026-11-19T08:00:00+14:00",
  ),
  anyWrongType,
);
/** Bank text: random, lone surrogates, control characters, key separators, a 450 KB description. */
const bankText = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom("CAFE \uD800NERO\u0000\u0007", "\uDFFF", "a#b", "USER#u-1", `HUGE ${"X".repeat(450_000)}`) },
);
const ids = fc.oneof(fc.constantFrom<unknown>("txn-shared", "#", "a#b", "USER#u-1", "", "x".repeat(300), "\uD800"), bankText, anyWrongType);

/** One field of a transaction and what a hostile bank puts in it. */
const transactionField = fc.oneof(
  fc.record({ key: fc.constant("amount"), value: amounts }),
  fc.record({ key: fc.constant("currency"), value: currencies }),
  fc.record({ key: fc.constant("timestamp"), value: timestamps }),
  fc.record({ key: fc.constant("transaction_type"), value: fc.oneof(fc.constantFrom<unknown>("debit", "", "REFUND", "CREDIT"), anyWrongType) }),
  fc.record({ key: fc.constant("description"), value: fc.oneof(bankText, anyWrongType) }),
  fc.record({ key: fc.constantFrom("normalised_provider_transaction_id", "provider_transaction_id", "transaction_id"), value: ids }),
  fc.record({
    key: fc.constant("transaction_classification"),
    value: fc.oneof(fc.constantFrom<unknown>(null, [], "Shopping", [1, 2], ["a", "b", "c", "d", "e", "f", "g"]), fc.array(bankText, { maxLength: 3 })),
  }),
  fc.record({ key: fc.constantFrom("merchant_name", "transaction_category"), value: fc.oneof(bankText, anyWrongType) }),
  fc.record({ key: fc.constant("running_balance"), value: fc.oneof(fc.record({ amount: amounts, currency: currencies }), anyWrongType) }),
  fc.record({ key: fc.constant("meta"), value: fc.oneof(fc.dictionary(bankText, bankText, { maxKeys: 2 }), anyWrongType) }),
);
const TRANSACTION_FIELDS = [
  "amount",
  "currency",
  "timestamp",
  "transaction_type",
  "description",
  "transaction_id",
  "normalised_provider_transaction_id",
  "provider_transaction_id",
];

const hostileTransaction = fc.record({
  amount: fc.integer({ min: 1, max: 500_000 }).map((p) => (p / 100).toFixed(2)),
  type: fc.constantFrom("DEBIT" as const, "CREDIT" as const),
  pending: fc.boolean(),
  hoursAgo: fc.integer({ min: 0, max: 60 }),
  raw: fc.array(transactionField, { maxLength: 3 }),
  omit: fc.subarray(TRANSACTION_FIELDS, { maxLength: 2 }),
  /** Served twice: two transactions under one id, or two identical ones. */
  twin: fc.boolean(),
});

const accountField = fc.oneof(
  fc.record({ key: fc.constant("currency"), value: currencies }),
  fc.record({ key: fc.constantFrom("display_name", "account_type", "card_type"), value: fc.oneof(bankText, anyWrongType) }),
  fc.record({
    key: fc.constant("account_number"),
    value: fc.oneof(fc.constantFrom<unknown>("12345678", { number: 5 }, { number: "#" }, { sort_code: "\u0000", iban: "\uD800" }), anyWrongType),
  }),
  fc.record({ key: fc.constant("provider"), value: anyWrongType }),
  fc.record({ key: fc.constant("update_timestamp"), value: fc.oneof(timestamps, bankText) }),
  /** Another account's id: the bank lists one account twice. */
  fc.record({ key: fc.constant("account_id"), value: fc.constant("<first>") }),
);
const balanceField = fc.oneof(
  fc.record({ key: fc.constantFrom("current", "available", "overdraft", "credit_limit"), value: amounts }),
  fc.record({ key: fc.constant("currency"), value: currencies }),
  fc.record({ key: fc.constant("update_timestamp"), value: fc.oneof(timestamps, bankText) }),
);
/** `arbitrary` in one case out of `every`, else undefined (most banks are mostly fine). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number) =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const override = <T>(field: fc.Arbitrary<{ key: string; value: T }>, omittable: string[]) =>
  sometimes(fc.record({ fields: fc.array(field, { minLength: 1, maxLength: 2 }), omit: fc.subarray(omittable, { maxLength: 1 }) }), 6);

const hostileBank = fc.record({
  accounts: fc.integer({ min: 1, max: 2 }),
  cards: fc.integer({ min: 0, max: 1 }),
  transactions: fc.array(hostileTransaction, { maxLength: 5 }),
  accountOverrides: fc.array(override(accountField, ["account_id", "currency", "display_name"]), { minLength: 3, maxLength: 3 }),
  balanceOverrides: fc.array(override(balanceField, ["current", "currency"]), { minLength: 3, maxLength: 3 }),
  suffix: fc.constantFrom("", "", "", "#1", "/x", "%", " ", "?a=b", "\u0000", "é", "\uD800"),
  maintenance: sometimes(
    fc.record({ path: fc.constantFrom("/accounts", "/cards", "/balance", "/transactions", "/transactions/pending"), times: fc.constantFrom(1, 10) }),
    8,
  ),
});
type HostileBank = typeof hostileBank extends fc.Arbitrary<infer T> ? T : never;

// --- the simulator's side ---------------------------------------------------------------

interface Case {
  userId: string;
  connectionId: string;
  simUserId: string;
  accessToken: string;
}

let cases = 0;
/** First syncs by outcome, transactions the synced ones quarantined, and transactions stored. */
const tally = { synced: 0, retried: 0, quarantined: 0, stored: 0 };

async function setUp(bank: HostileBank): Promise<Case> {
  const { sandbox, repos } = harness;
  const sim = await sandbox.admin.createUser({ accounts: bank.accounts, cards: bank.cards, history_days: 3, scenario: { unattended_limit: null } });
  const ids = sim.accounts.map((a) => a.account_id);
  const now = await sandbox.admin.now();
  for (const [i, t] of bank.transactions.entries()) {
    const input: AddTransaction = {
      account_id: ids[i % ids.length] as string,
      description: `HOSTILE ${i}`,
      amount: t.amount,
      transaction_type: t.type,
      timestamp: new Date(now.getTime() - t.hoursAgo * 3_600_000).toISOString(),
      pending_hours: t.pending ? t.hoursAgo + 24 : 0,
      raw: Object.fromEntries(t.raw.map((f) => [f.key, f.value])),
      omit: t.omit,
    };
    await sandbox.admin.addTransaction(sim.user_id, input);
    if (t.twin) await sandbox.admin.addTransaction(sim.user_id, input);
  }
  // "<first>": the first id of the same family (an account listed twice; a card is its own first).
  const firstOf = (id: string) =>
    sim.accounts.find((a) => (a.kind === "card") === (sim.accounts.find((b) => b.account_id === id)?.kind === "card"))?.account_id;
  const fields = (id: string, list: { key: string; value: unknown }[]) =>
    Object.fromEntries(list.map((f) => [f.key, f.value === "<first>" ? firstOf(id) : f.value]));
  const scenario: ScenarioInput = {
    account_id_suffix: bank.suffix,
    account_overrides: Object.fromEntries(
      ids.flatMap((id, i) => {
        const o = bank.accountOverrides[i];
        return o ? [[id, { fields: fields(id, o.fields), omit: o.omit }]] : [];
      }),
    ),
    balance_overrides: Object.fromEntries(
      ids.flatMap((id, i) => {
        const o = bank.balanceOverrides[i];
        return o ? [[id, { fields: fields(id, o.fields), omit: o.omit }]] : [];
      }),
    ),
    ...(bank.maintenance ? { maintenance_pages: [bank.maintenance] } : {}),
  };
  await sandbox.admin.setScenario(sim.user_id, scenario);
  const iso = now.toISOString();
  cases++;
  const connection = await repos.connections.putNew({
    userId: `u-hostile-${cases}`,
    connectionId: `conn-hostile-${cases}`,
    providerId: "mock",
    status: "active",
    accessToken: sim.tokens.access_token,
    refreshToken: sim.tokens.refresh_token as string,
    tokenExpiresAt: new Date(now.getTime() + sim.tokens.expires_in * 1000).toISOString(),
    consentExpiresAt: sim.consent_expires_at,
    nextSyncAt: iso,
    createdAt: iso,
    updatedAt: iso,
  });
  return { userId: connection.userId, connectionId: connection.connectionId, simUserId: sim.user_id, accessToken: sim.tokens.access_token };
}

/** GET on the simulator's data API as the bank serves it (no faults: they were switched off). */
async function served(c: Case, path: string): Promise<unknown[]> {
  const res = await fetch(`${harness.sandbox.dataUrl}${path}`, { headers: { Authorization: `Bearer ${c.accessToken}`, "X-PSU-IP": PSU_IP } });
  const body = (await res.json()) as { results?: unknown[] };
  if (res.status !== 200 || !Array.isArray(body.results)) throw new Error(`simulator ${path}: ${res.status}`);
  return body.results;
}

/** What the bank serves, judged by the client's schemas: the truth the table is compared with. */
interface BankTruth {
  /**
   * Accounts whose entry or data the bank cannot serve usably (a list entry or a balance that
   * does not parse, an id no URL can carry): quarantined once each, not synced.
   */
  skipped: string[];
  accounts: { providerAccountId: string; currentMinor: number; valid: number; invalid: number; pendingValid: number; sumMinor: number }[];
}

function encoded(id: string): string | undefined {
  try {
    return encodeURIComponent(id);
  } catch {
    return undefined;
  }
}

async function bankTruth(c: Case): Promise<BankTruth> {
  const truth: BankTruth = { skipped: [], accounts: [] };
  for (const family of ["accounts", "cards"] as const) {
    const listed = await served(c, `/${family}`);
    const schema = family === "accounts" ? accountSchema : cardSchema;
    const parsed = listed.map((a) => schema.safeParse(a));
    // One account listed twice is one account.
    const ids = [...new Set(parsed.flatMap((p) => (p.success ? [(p.data as { account_id: string }).account_id] : [])))];
    // A refused entry: skipped under its id (once, unless the same id is also listed well), or
    // its place in the list when it has no usable id.
    const refused = new Set<string>();
    parsed.forEach((p, i) => {
      if (p.success) return;
      const id = (listed[i] as { account_id?: unknown } | null)?.account_id;
      if (typeof id !== "string" || id.length === 0) truth.skipped.push(`${family}[${i}]`);
      else if (!ids.includes(id)) refused.add(id);
    });
    truth.skipped.push(...refused);
    for (const id of ids) {
      const segment = encoded(id);
      if (segment === undefined) {
        // An id no URL can carry (a lone surrogate): the bank cannot be asked for its data.
        truth.skipped.push(id);
        continue;
      }
      const path = `/${family}/${segment}`;
      const [balance] = await served(c, `${path}/balance`);
      const b = (family === "accounts" ? balanceSchema : cardBalanceSchema).safeParse(balance);
      if (!b.success) {
        truth.skipped.push(id);
        continue;
      }
      const booked = await served(c, `${path}/transactions?from=2026-01-01&to=2026-11-20`);
      const pending = await served(c, `${path}/transactions/pending`);
      const judged = [...booked.map((t) => ({ t, pending: false })), ...pending.map((t) => ({ t, pending: true }))].map((x) => ({
        ...x,
        parsed: transactionSchema.safeParse(x.t),
      }));
      const valid = judged.filter((j) => j.parsed.success);
      truth.accounts.push({
        providerAccountId: id,
        currentMinor: b.data.current_minor,
        valid: valid.length,
        invalid: judged.length - valid.length,
        pendingValid: valid.filter((j) => j.pending).length,
        sumMinor: valid.reduce((sum, j) => sum + (j.parsed.data?.signed_amount_minor ?? 0), 0),
      });
    }
  }
  return truth;
}

// --- the table's side -------------------------------------------------------------------

interface Partition {
  connection: BankConnection;
  accounts: StoredBankAccount[];
  transactions: Transaction[];
  other: Record<string, unknown>[];
}

/** Every item of the user's partition, read from the table (not through the repositories). */
async function partition(c: Case): Promise<Partition> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await harness.db.doc.send(
      new QueryCommand({
        TableName: harness.db.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": `USER#${c.userId}` },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const of = (prefix: string) => items.filter((i) => String(i.SK).startsWith(prefix));
  const known = [SK_PREFIX.connection, SK_PREFIX.account, SK_PREFIX.transaction];
  return {
    connection: (await harness.repos.connections.get(c.userId, c.connectionId)) as BankConnection,
    accounts: of(SK_PREFIX.account) as unknown as StoredBankAccount[],
    transactions: of(SK_PREFIX.transaction).filter((i) => !i.deletedAt) as unknown as Transaction[],
    other: items.filter((i) => !known.some((k) => String(i.SK).startsWith(k))),
  };
}

let jobs = 0;
type Outcome = "synced" | "retry";
async function sync(c: Case): Promise<Outcome> {
  jobs++;
  const body = JSON.stringify({
    jobId: `hostile-bank-${jobs}`,
    userId: c.userId,
    connectionId: c.connectionId,
    reason: "refresh_now",
    requestedAt: new Date().toISOString(),
    psuIp: PSU_IP,
  });
  try {
    await handleSyncJob({ body }, harness.syncDeps(await harness.sandbox.admin.now()));
    return "synced";
  } catch (err) {
    // Only a retry is a legitimate way out (an HTML page the retries did not get past).
    if (err instanceof RetryLater) return "retry";
    throw err;
  }
}

function expectNothingWritten(p: Partition) {
  expect(p.accounts).toEqual([]);
  expect(p.transactions).toEqual([]);
  expect(p.other).toEqual([]);
}

function expectSyncable(p: Partition) {
  expect(p.connection.status).toBe("active");
  expect(p.connection.leaseOwner).toBeUndefined();
}

/** The table after a sync that completed, against the bank's truth. */
function expectStoredAsServed(p: Partition, truth: BankTruth) {
  expectSyncable(p);
  expect(p.connection.syncStats?.consecutiveFailures).toBe(0);
  const served = truth.accounts.reduce((n, a) => n + a.valid + a.invalid, 0);
  const invalid = truth.accounts.reduce((n, a) => n + a.invalid, 0);
  const skipped = truth.skipped.length;
  const quarantined = p.connection.syncStats?.lastQuarantined ?? 0;
  // Every served transaction of a readable account is stored or quarantined, never both, never
  // twice; each unreadable account is quarantined once.
  expect(p.transactions.length + quarantined).toBe(served + skipped);
  expect(quarantined).toBeGreaterThanOrEqual(invalid + skipped);
  const reasons = (p.connection.quarantine ?? []).slice(-quarantined);
  expect(reasons).toHaveLength(Math.min(quarantined, 20));
  for (const q of reasons) expect(q.reason.length).toBeGreaterThan(0);
  if (quarantined <= 20) expect(reasons.filter((q) => q.reason.startsWith("account not synced"))).toHaveLength(skipped);
  expect(p.accounts).toHaveLength(truth.accounts.length);
  for (const a of truth.accounts) {
    const stored = p.accounts.find((s) => s.providerAccountId === a.providerAccountId);
    expect(stored, a.providerAccountId).toBeDefined();
    const mine = p.transactions.filter((t) => t.accountId === stored?.accountId);
    expect(stored?.balance?.currentMinor).toBe(a.currentMinor);
    expect(stored?.closed).toBe(false);
    expect(stored?.transactionSummary.totalTransactions).toBe(mine.length);
    expect(stored?.transactionSummary.pendingTransactions).toBe(mine.filter((t) => t.status === "pending").length);
    // Exact pence, when nothing valid by the schema was refused at storing.
    if (quarantined === invalid + skipped) {
      expect(mine.length).toBe(a.valid);
      expect(mine.reduce((s, t) => s + t.amountMinor, 0)).toBe(a.sumMinor);
    }
  }
}

describe("the sync worker fed hostile bank data", () => {
  it(
    "never crashes; stores valid transactions once, quarantines the rest (transactions, list entries, accounts) with a reason, writes nothing on a retry and syncs again",
    async ({ task }) => {
      await check(
        task,
        "sync-worker-bank-data",
        fc.asyncProperty(hostileBank, async (bank) => {
          const c = await setUp(bank);
          const first = await sync(c);
          const after = await partition(c);
          // The truth is read with the faults off: what the bank serves when it answers.
          await harness.sandbox.admin.setScenario(c.simUserId, { maintenance_pages: [] });
          const truth = await bankTruth(c);
          tally[first === "retry" ? "retried" : "synced"]++;
          if (first === "synced") tally.quarantined += after.connection.syncStats?.lastQuarantined ?? 0;
          tally.stored += after.transactions.length;
          if (first === "retry") {
            expectSyncable(after);
            expect(after.connection.syncStats?.consecutiveFailures ?? 0).toBe(0);
            expectNothingWritten(after);
          } else {
            expectStoredAsServed(after, truth);
          }
          // Again: the connection is not blocked, and nothing is stored twice.
          expect(await sync(c)).toBe("synced");
          expectStoredAsServed(await partition(c), truth);
        }),
        CASES,
      );
      // How the cases fell: a generator that only ever made failures would prove little.
      process.stdout.write(`sync-worker-bank-data: first syncs ${JSON.stringify(tally)}\n`);
      expect(tally.synced).toBeGreaterThan(0);
      expect(tally.quarantined).toBeGreaterThan(0);
    },
    CASES * 3_000,
  );
});
