import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { gsi2Time, keys } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type BankAccountTruth, type CheckInput, checkInvariants, type InvariantName } from "../src";

let stack: LocalStack;
let table: CheckInput["table"];
const SEALED = "ezk1.a2V5.ZWRr.aXY.Y3Q.dGFn";

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  table = { doc: stack.aws.doc, tableName: stack.handles.tableName };
});

type Items = Record<string, Record<string, unknown>>;

/** One consistent user: a synced connection, an account with a booked and a pending transaction, a budget that adds up. */
function consistentUser(userId: string): Items {
  const tx = (id: string, extra: Record<string, unknown>) => ({
    // As the sync writes it (ADR 0043): id and timestamp only in the keys.
    ...keys.transaction(userId, id),
    ...gsi2Time(userId, "2026-11-10T12:00:00.000Z", id),
    accountId: "a1",
    connectionId: "c1",
    currency: "GBP",
    direction: "debit",
    category: { primary: "groceries", reason: "merchant", confidence: 0.9, userModified: false },
    version: 1,
    ...extra,
  });
  return {
    profile: { ...keys.profile(userId), userId, timeZone: "Europe/London" },
    connection: {
      ...keys.connection(userId, "c1"),
      connectionId: "c1",
      lastSyncAt: "2026-11-20T00:00:00.000Z",
      accessToken: SEALED,
      refreshToken: SEALED,
      version: 3,
    },
    account: {
      ...keys.account(userId, "a1"),
      accountId: "a1",
      connectionId: "c1",
      providerAccountId: "bank-a1",
      accountNumber: SEALED,
      transactionSummary: { totalTransactions: 2, pendingTransactions: 1 },
      balance: { currentMinor: 1000 },
      version: 2,
    },
    t1: tx("t1", { normalisedProviderTransactionId: "txn-1", status: "booked", amountMinor: -1250 }),
    t2: tx("t2", { normalisedProviderTransactionId: "pnd-2", status: "pending", amountMinor: -300 }),
    budget: {
      ...keys.budget(userId, "b1"),
      budgetId: "b1",
      category: "groceries",
      currency: "GBP",
      status: "active",
      currentPeriod: { start: "2026-11-01T00:00:00.000Z", end: "2026-12-01T00:00:00.000Z" },
      spentMinor: 1250,
      version: 4,
    },
  };
}

const bank = (): BankAccountTruth[] => [
  { providerAccountId: "bank-a1", booked: ["txn-1"], pending: ["pnd-2"], balance: { currentMinor: 1000 }, identifiers: ["12345678"] },
];

async function store(items: Items): Promise<void> {
  for (const Item of Object.values(items)) await table.doc.send(new PutCommand({ TableName: table.tableName, Item }));
}

function thresholdAlert(userId: string, notificationId: string) {
  return {
    ...keys.notificationHistory(userId, notificationId),
    userId,
    notificationId,
    detailType: "BudgetThresholdCrossed",
    status: "delivered",
    sourceEvent: JSON.stringify({ detailType: "BudgetThresholdCrossed", detail: { budgetId: "b1", thresholdPercent: 80, period: { start: "2026-11-01" } } }),
    attempts: [{ channel: "push", target: "d1", outcome: "delivered", at: "2026-11-10T12:00:00.000Z" }],
  };
}

/** Quiet hours 22:00-07:00 in London, urgent security alerts allowed through (the defaults). */
function quietPrefs(userId: string, allowUrgentSecurity = true) {
  return {
    ...keys.notificationPreferences(userId),
    userId,
    quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/London", enabled: true, allowUrgentSecurity },
  };
}

/** A notification delivered at 23:30 London time (GMT in November), inside those quiet hours. */
function deliveredAtNight(userId: string, notificationId: string, extra: Record<string, unknown>) {
  return {
    ...keys.notificationHistory(userId, notificationId),
    userId,
    notificationId,
    status: "delivered",
    attempts: [{ channel: "push", target: "d1", outcome: "delivered", at: "2026-11-10T23:30:00.000Z" }],
    ...extra,
  };
}

describe("checkInvariants on moto", () => {
  it("finds nothing wrong with a consistent user and says how much it looked at", async () => {
    // Prepare
    await store(consistentUser("ok-user"));
    // Act
    const report = await checkInvariants({
      table,
      users: [{ userId: "ok-user", bank: bank() }],
      announced: { syncedConnections: new Set(["c1"]), correlationIds: new Set() },
    });
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals).toMatchObject({ accounts: 1, transactions: 2, budgets: 1, outboxLeft: 0, lostTransactions: 0 });
    for (const name of ["counts", "exactly_once", "balances", "budgets", "syncs_announced", "no_plaintext_secrets"] as const)
      expect(report.checked[name]).toBeGreaterThan(0);
  });

  it("checks the budgets of a profile stored before zones were checked ('London') in Europe/London, as budget-recalc cuts them", async () => {
    // Prepare
    const items = consistentUser("old-zone-user");
    items.profile = { ...items.profile, timeZone: "London" };
    await store(items);
    // Act
    const report = await checkInvariants({ table, users: [{ userId: "old-zone-user", bank: bank() }] });
    // Assess
    expect(report.violations).toEqual([]);
    expect(report.checked.budgets).toBeGreaterThan(0);
  });

  const cases: {
    name: string;
    invariant: InvariantName;
    breakIt: (items: Items, userId: string) => void;
    bank?: BankAccountTruth[];
    announced?: string[];
    lost?: number;
  }[] = [
    {
      name: "a counter that drifted",
      invariant: "counts",
      breakIt: (i) => Object.assign(i.account!, { transactionSummary: { totalTransactions: 3, pendingTransactions: 1 } }),
    },
    {
      name: "a counter without its pending count (read as 0) while a pending transaction is stored",
      invariant: "counts",
      breakIt: (i) => Object.assign(i.account!, { transactionSummary: { totalTransactions: 2 } }),
    },
    {
      name: "a booked transaction stored twice",
      invariant: "exactly_once",
      breakIt: (i, u) => Object.assign(i, { t3: { ...i.t1, ...keys.transaction(u, "t3"), ...gsi2Time(u, "2026-11-10T12:00:00.000Z", "t3") } }),
    },
    {
      name: "a booked transaction the bank serves and we lost",
      invariant: "exactly_once",
      breakIt: () => {},
      bank: [{ ...bank()[0]!, booked: ["txn-1", "txn-9"] }],
      lost: 1,
    },
    {
      name: "a pending transaction that vanished at the bank but is still stored",
      invariant: "exactly_once",
      breakIt: () => {},
      bank: [{ ...bank()[0]!, pending: [] }],
    },
    { name: "a balance older than the bank's latest", invariant: "balances", breakIt: (i) => Object.assign(i.account!, { balance: { currentMinor: 999 } }) },
    { name: "a budget whose spent is not the sum in pence", invariant: "budgets", breakIt: (i) => Object.assign(i.budget!, { spentMinor: 1249 }) },
    {
      name: "a budget period cut at UTC midnight for a New York user",
      invariant: "budgets",
      breakIt: (i) => Object.assign(i.profile!, { timeZone: "America/New_York" }),
    },
    {
      name: "one threshold delivered as two notifications",
      invariant: "alerts_once",
      breakIt: (i, u) => Object.assign(i, { n1: thresholdAlert(u, "ntf-1"), n2: thresholdAlert(u, "ntf-2") }),
    },
    {
      name: "a consent-expiry warning (security, not urgent) delivered inside quiet hours",
      invariant: "alerts_once",
      breakIt: (i, u) =>
        Object.assign(i, { prefs: quietPrefs(u), n1: deliveredAtNight(u, "ntf-consent", { detailType: "ConnectionConsentExpiring", category: "security" }) }),
    },
    {
      name: "a critical budget alert delivered inside quiet hours",
      invariant: "alerts_once",
      breakIt: (i, u) =>
        Object.assign(i, {
          prefs: quietPrefs(u),
          n1: deliveredAtNight(u, "ntf-critical", { detailType: "BudgetThresholdCrossed", category: "budgets", priority: "critical" }),
        }),
    },
    {
      name: "a reconnect alert delivered inside quiet hours when the user did not allow urgent security alerts",
      invariant: "alerts_once",
      breakIt: (i, u) =>
        Object.assign(i, {
          prefs: quietPrefs(u, false),
          n1: deliveredAtNight(u, "ntf-reconnect", { detailType: "ConnectionReconnectRequired", category: "security" }),
        }),
    },
    {
      name: "a transaction marked user-modified but categorised by a rule",
      invariant: "user_categories",
      breakIt: (i) => Object.assign(i.t1!, { category: { primary: "groceries", reason: "user_rule", ruleId: "r1", confidence: 0.99, userModified: true } }),
    },
    { name: "a synced connection nobody announced", invariant: "syncs_announced", breakIt: () => {}, announced: [] },
    {
      name: "a token stored in plaintext",
      invariant: "no_plaintext_secrets",
      breakIt: (i) => Object.assign(i.connection!, { accessToken: "plain-access-token" }),
    },
    {
      name: "an account number in plaintext",
      invariant: "no_plaintext_secrets",
      breakIt: (i) => Object.assign(i.account!, { displayName: "Current 12345678" }),
    },
  ];

  it.each(cases)("reports $name as a $invariant violation", async ({ invariant, breakIt, bank: truth, announced, lost }) => {
    // Prepare
    const userId = `broken-${Math.random().toString(36).slice(2, 10)}`;
    const items = consistentUser(userId);
    breakIt(items, userId);
    await store(items);
    // Act
    const report = await checkInvariants({
      table,
      users: [{ userId, bank: truth ?? bank() }],
      announced: { syncedConnections: new Set(announced ?? ["c1"]), correlationIds: new Set() },
    });
    // Assess
    expect(report.ok).toBe(false);
    expect(report.violations.map((v) => v.invariant)).toContain(invariant);
    expect(report.totals.lostTransactions).toBe(lost ?? 0);
  });

  it("lets a reconnect alert through quiet hours when urgent security alerts are allowed (the one exemption alerts.md names)", async () => {
    // Prepare
    const items = consistentUser("urgent-user");
    Object.assign(items, {
      prefs: quietPrefs("urgent-user"),
      n1: deliveredAtNight("urgent-user", "ntf-urgent", { detailType: "ConnectionReconnectRequired", category: "security" }),
    });
    await store(items);
    // Act
    const report = await checkInvariants({
      table,
      users: [{ userId: "urgent-user", bank: bank() }],
      announced: { syncedConnections: new Set(["c1"]), correlationIds: new Set() },
    });
    // Assess
    expect(report.violations).toEqual([]);
  });

  it("reports a category the user chose that a re-sync overwrote", async () => {
    // Prepare
    await store(consistentUser("edited-user"));
    // Act
    const report = await checkInvariants({ table, users: [{ userId: "edited-user", userCategories: [{ transactionId: "t1", primary: "transport" }] }] });
    // Assess
    expect(report.violations.map((v) => v.invariant)).toEqual(["user_categories"]);
  });

  it("reports a version that went down since the previous check", async () => {
    // Prepare
    await store(consistentUser("versioned-user"));
    const first = await checkInvariants({ table, users: [{ userId: "versioned-user" }] });
    const items = consistentUser("versioned-user");
    Object.assign(items.account!, { version: 1 });
    await store(items);
    // Act
    const second = await checkInvariants({ table, users: [{ userId: "versioned-user" }], previousVersions: first.versions });
    // Assess
    expect(second.violations).toEqual([expect.objectContaining({ invariant: "balances", message: expect.stringContaining("back to 1") })]);
  });

  it("counts a young outbox record whose event the bus carried as awaiting its delete; an unpublished one, and an old published one, are violations", async () => {
    // Prepare: three records left in the outbox; the tap saw the first two's events.
    const young = new Date(Date.now() - 5_000).toISOString();
    const old = new Date(Date.now() - 120_000).toISOString();
    const records = (
      [
        ["evt-published", young],
        ["evt-published-long-ago", old],
        ["evt-unpublished", young],
      ] as const
    ).map(([eventId, createdAt]) => ({
      ...keys.outbox(3, createdAt, eventId),
      eventId,
      detailType: "TransactionsSynced",
      source: "expenzez.sync",
      detail: "{}",
      createdAt,
      shard: 3,
      publishAttempts: 0,
    }));
    await store(Object.fromEntries(records.map((r) => [r.eventId, r])));
    try {
      // Act
      const report = await checkInvariants({
        table,
        users: [],
        announced: { syncedConnections: new Set(), correlationIds: new Set(), eventIds: new Set(["evt-published", "evt-published-long-ago"]) },
      });
      // Assess
      expect(report.totals).toMatchObject({ outboxLeft: 2, outboxAwaitingDelete: 1 });
      expect(report.violations.map((v) => [v.invariant, v.message.split(" (")[0], v.message.split(") ")[1]]).sort()).toEqual([
        ["syncs_announced", `outbox record ${records[1]!.SK}`, "was published but never deleted"],
        ["syncs_announced", `outbox record ${records[2]!.SK}`, "was committed but never published"],
      ]);
    } finally {
      for (const r of records) await table.doc.send(new DeleteCommand({ TableName: table.tableName, Key: { PK: r.PK, SK: r.SK } }));
    }
  });
});
