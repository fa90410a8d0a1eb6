import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, gsi4RecurringDue, keys, type Repositories, recurringDuePk, type Transaction, type TransactionInput } from "@expenzez/db";
import { buildEvent, parseDeliveredEvent, publishEvents, type ReceivedEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { merchantOf } from "@expenzez/recurring";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { handleRecurringMessage, type RecurringDeps, recurringSummary, reevaluateMerchants, reportMissedPayments } from "../src";
import { coalescePerUser } from "../src/coalesce";
import { merchantIdOf } from "../src/ids";

// Needs the local AWS emulator (started by the vitest global setup): real DynamoDB, SQS and EventBridge.

let stack: LocalStack;
let db: Db;
let repos: Repositories;
const log = createLogger("test", { level: "silent" });
const userId = "user-recurring";

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
});

const deps = (now: string): RecurringDeps => ({
  db,
  repos,
  relay: { db, events: stack.aws.events, busName: stack.handles.busName, log },
  log,
  now: () => new Date(now),
});

let n = 0;
function txn(date: string, pounds: number, description: string, merchant: string, primary = "bills", owner = userId): TransactionInput {
  const amountMinor = Math.round(pounds * 100);
  return {
    userId: owner,
    transactionId: `txn_${(++n).toString().padStart(4, "0")}`,
    accountId: "acc-1",
    connectionId: "conn-1",
    timestamp: `${date}T00:00:00+00:00`,
    description,
    amount: amountMinor / 100,
    amountMinor,
    currency: "GBP",
    direction: amountMinor < 0 ? "debit" : "credit",
    status: "booked",
    category: { primary, confidence: 0.9, reason: "merchant", userModified: false },
    merchant: { name: merchant },
    createdAt: `${date}T06:00:00Z`,
    updatedAt: `${date}T06:00:00Z`,
  };
}

/** January to early June 2024, as a first sync on 10 June brings them. */
function firstSync(): TransactionInput[] {
  const out: TransactionInput[] = [];
  // Rent is due on the 1st: New Year's Day and Easter Monday move it to the 2nd.
  for (const [m, salaryDay, rentDay] of [
    ["01", "31", "02"],
    ["02", "29", "01"],
    ["03", "28", "01"],
    ["04", "30", "02"],
    ["05", "31", "01"],
  ] as const) {
    out.push(txn(`2024-${m}-09`, -10.99, `NETFLIX.COM ${m}`, "Netflix", "entertainment"));
    out.push(txn(`2024-${m}-${salaryDay}`, 2450, "ACME LTD SALARY", "Acme Salary", "income"));
    out.push(txn(`2024-${m}-${rentDay}`, -950, `STO OAKWOOD LETTINGS REF ${m}1`, "Oakwood Lettings", "housing"));
  }
  // June's falls on a Saturday: paid on Monday the 3rd.
  out.push(txn("2024-06-03", -950, "STO OAKWOOD LETTINGS REF 061", "Oakwood Lettings", "housing"));
  // A shop visited now and then: no stream.
  for (const [date, pounds] of [
    ["2024-01-06", 23.1],
    ["2024-01-19", 61.4],
    ["2024-02-03", 8.75],
    ["2024-03-22", 44.2],
    ["2024-03-23", 12.3],
    ["2024-05-11", 71.05],
  ] as const)
    out.push(txn(date, -pounds, "TESCO STORES 3321", "Tesco", "groceries"));
  return out;
}

/** 10 June to 10 July: Netflix's price rises, salary and rent as usual. */
function secondSync(): TransactionInput[] {
  return [
    txn("2024-06-09", -12.99, "NETFLIX.COM 06", "Netflix", "entertainment"),
    txn("2024-06-28", 2450, "ACME LTD SALARY", "Acme Salary", "income"),
    txn("2024-07-01", -950, "STO OAKWOOD LETTINGS REF 071", "Oakwood Lettings", "housing"),
    txn("2024-06-21", -41.3, "TESCO STORES 3321", "Tesco", "groceries"),
  ];
}

/** What the sync worker does: store the transactions and announce them. */
async function sync(transactions: TransactionInput[], syncId: string): Promise<void> {
  for (const t of transactions) await repos.transactions.putNew(t);
  const days = transactions.map((t) => t.timestamp.slice(0, 10)).sort();
  const event = buildEvent("TransactionsSynced", {
    userId: transactions[0]!.userId,
    connectionId: "conn-1",
    syncId,
    accountIds: ["acc-1"],
    counts: { added: transactions.length, modified: 0, removed: 0 },
    categories: [...new Set(transactions.map((t) => t.category.primary))].sort(),
    merchants: [...new Set(transactions.map((t) => t.merchant!.name))].sort(),
    range: { from: days[0]!, to: days[days.length - 1]! },
  });
  await publishEvents(stack.aws.events, [event], { busName: stack.handles.busName });
}

const delivered: string[] = [];
/** Handles everything on the recurring queue, as the worker would; keeps the bodies for the replay. */
async function runDetector(now: string): Promise<void> {
  for (const m of await receiveAll(stack.aws.sqs, stack.handles.queues.recurring.url, { remove: true })) {
    delivered.push(m.Body!);
    await handleRecurringMessage({ body: m.Body! }, deps(now));
  }
}

/** The detector's events, as the alert dispatcher's queue receives them. */
async function announced(): Promise<ReceivedEvent[]> {
  const messages = await receiveAll(stack.aws.sqs, stack.handles.queues.alertDispatch.url, { remove: true });
  return messages.map((m) => parseDeliveredEvent(m.Body!)).filter((e) => e.source === "expenzez.recurring");
}

async function snapshot() {
  const streams = await repos.recurring.listAllByUser(userId);
  const transactions: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.transactions.listByUser(userId, { cursor });
    transactions.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return { streams, transactions, predictions: await repos.recurring.getPredictions(userId) };
}

/** A stream item as no release can read it (a cadence since renamed), written raw; `due` puts it in the due index. */
async function putUnreadableStream(owner: string, streamId: string, due: Record<string, string> = {}): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...keys.recurring(owner, streamId),
        ...due,
        userId: owner,
        streamId,
        merchant: "Gym",
        normalisedMerchant: "gym",
        frequency: "bimonthly",
        currency: "GBP",
        averageAmountMinor: 2999,
        lastAmountMinor: 2999,
        firstSeenAt: "2024-01-15T00:00:00.000Z",
        lastSeenAt: "2024-05-15T00:00:00.000Z",
        nextExpectedAt: "2024-05-29T00:00:00.000Z",
        windowTo: "2024-06-01",
        status: "mature",
        occurrences: 5,
        createdAt: "2024-05-15T00:00:00.000Z",
        updatedAt: "2024-05-15T00:00:00.000Z",
      },
    }),
  );
}

describe("recurring-detector on the emulator", () => {
  it("finds a user's streams over two syncs a month apart, announces each once and a price rise once, and a replay changes nothing", async () => {
    await sync(firstSync(), "sync-1");
    await runDetector("2024-06-10T07:00:00Z");
    const first = await announced();
    expect(first.map((e) => [e.detailType, (e.detail as { merchant: string }).merchant]).sort()).toEqual([
      ["RecurringPaymentDetected", "Acme Salary"],
      ["RecurringPaymentDetected", "Netflix"],
      ["RecurringPaymentDetected", "Oakwood Lettings"],
    ]);

    await sync(secondSync(), "sync-2");
    await runDetector("2024-07-10T07:00:00Z");
    const second = await announced();
    expect(second.map((e) => e.detailType)).toEqual(["RecurringPaymentPriceChanged"]);
    expect(second[0]!.detail).toMatchObject({ merchant: "Netflix", previousAmountMinor: 1099, newAmountMinor: 1299 });

    const after = await snapshot();
    expect(after.streams.map((s) => [s.merchant, s.frequency, s.status, s.occurrences]).sort()).toEqual([
      ["Acme Salary", "monthly", "mature", 6],
      ["Netflix", "monthly", "mature", 6],
      ["Oakwood Lettings", "monthly", "mature", 7],
    ]);
    const netflix = after.streams.find((s) => s.merchant === "Netflix")!;
    const members = after.transactions.filter((t) => netflix.transactionIds.includes(t.transactionId));
    expect(members).toHaveLength(6);
    for (const t of members)
      expect(t.aiInsights).toMatchObject({ isRecurring: true, recurringStreamId: netflix.streamId, recurringFrequency: "monthly", nextExpected: "2024-07-09" });
    expect(after.transactions.filter((t) => t.merchant?.name === "Tesco").every((t) => t.aiInsights === undefined)).toBe(true);
    // Netflix was due yesterday: still expected (within its window), at the new price.
    expect(after.predictions).toMatchObject({
      analysisType: "predictions",
      from: "2024-07-10",
      upcomingBills: [
        { merchant: "Netflix", expectedOn: "2024-07-10", amountMinor: 1299 },
        { merchant: "Oakwood Lettings", expectedOn: "2024-08-01", amountMinor: 95000 },
      ],
      totalsMinor: { GBP: 96299 },
    });

    const summary = await recurringSummary({ repos }, userId);
    expect(summary[0]).toBe("recurring streams of user-recurring: 3");
    expect(summary).toContain("upcoming bills 2024-07-10 to 2024-08-08: 2, £962.99");

    // Every event delivered again, in order: nothing is written and nothing is announced.
    for (const body of delivered) await handleRecurringMessage({ body }, deps("2024-07-10T07:00:00Z"));
    expect(await announced()).toEqual([]);
    const replayed = await snapshot();
    expect(replayed.streams.map((s) => [s.streamId, s.version])).toEqual(after.streams.map((s) => [s.streamId, s.version]));
    expect(replayed.transactions.map((t) => [t.transactionId, t.version])).toEqual(after.transactions.map((t) => [t.transactionId, t.version]));
    expect(replayed.predictions?.version).toBe(after.predictions?.version);
  });

  it("reports each missed payment once from the scheduled pass, without a sync", async () => {
    const first = await reportMissedPayments(deps("2024-08-20T05:00:00Z"));
    expect(first).toEqual({ tombstoned: 3, missed: 3 });
    expect((await announced()).map((e) => [e.detailType, (e.detail as { expectedOn: string }).expectedOn]).sort()).toEqual([
      ["RecurringPaymentMissed", "2024-07-09"],
      ["RecurringPaymentMissed", "2024-07-31"],
      ["RecurringPaymentMissed", "2024-08-01"],
    ]);
    expect(await reportMissedPayments(deps("2024-08-21T05:00:00Z"))).toEqual({ tombstoned: 0, missed: 0 });
    expect(await announced()).toEqual([]);
    expect((await repos.recurring.getPredictions(userId))?.upcomingBills).toEqual([]);
  });

  it("announces once when two deliveries of one event run at the same time", async () => {
    const other = "user-concurrent";
    await sync(
      ["2024-02-14", "2024-03-14", "2024-04-14", "2024-05-14"].map((d) => txn(d, -29.99, "PUREGYM LTD", "PureGym", "health", other)),
      "sync-c",
    );
    const [message] = await receiveAll(stack.aws.sqs, stack.handles.queues.recurring.url, { remove: true });
    const results = await Promise.all([1, 2, 3].map(() => handleRecurringMessage({ body: message!.Body! }, deps("2024-05-20T07:00:00Z"))));
    expect(results.reduce((n, r) => n + r.events, 0)).toBe(1);
    expect((await announced()).map((e) => [e.detailType, (e.detail as { merchant: string }).merchant])).toEqual([["RecurringPaymentDetected", "PureGym"]]);
    const streams = await repos.recurring.listAllByUser(other);
    expect(streams.map((s) => [s.merchant, s.status, s.occurrences])).toEqual([["PureGym", "mature", 4]]);
  });

  it("keeps one history per merchant when deliveries racing on merchants without a stream lose their shared transaction", async () => {
    // Prepare: merchants whose only write is their history commit together; two of three deliveries lose that race
    const other = "user-packed";
    await sync(
      [
        txn("2024-02-03", -8.75, "TESCO STORES 3321", "Tesco", "groceries", other),
        txn("2024-03-22", -44.2, "CAFFE NERO 12", "Caffe Nero", "eating_out", other),
        txn("2024-04-02", -12.3, "WHSMITH 88", "WHSmith", "shopping", other),
      ],
      "sync-p",
    );
    const [message] = await receiveAll(stack.aws.sqs, stack.handles.queues.recurring.url, { remove: true });
    // Act
    const results = await Promise.all([1, 2, 3].map(() => handleRecurringMessage({ body: message!.Body! }, deps("2024-05-20T07:00:00Z"))));
    // Assess
    expect(results.map((r) => [r.merchants, r.streamsWritten, r.events])).toEqual([
      [3, 0, 0],
      [3, 0, 0],
      [3, 0, 0],
    ]);
    const merchants = ["Tesco", "Caffe Nero", "WHSmith"];
    const histories = await Promise.all(merchants.map((m) => repos.recurring.getHistory(other, merchantIdOf(merchantOf(m, m).key))));
    expect(histories.map((h) => [h?.merchant, h?.entries.length, h?.version])).toEqual([
      ["Tesco", 1, 1],
      ["Caffe Nero", 1, 1],
      ["WHSmith", 1, 1],
    ]);
    expect(await repos.recurring.listAllByUser(other)).toEqual([]);
  });

  it("finds every stream once when a first sync's chunks arrive together and are merged per user", async () => {
    // Prepare: one sync announced in three chunks (as the sync worker packs ~98 transactions each), all waiting at once
    const chunked = "user-chunked";
    const months = ["01", "02", "03", "04", "05"];
    const chunks = [
      months.map((m) => txn(`2024-${m}-09`, -10.99, `NETFLIX.COM ${m}`, "Netflix", "entertainment", chunked)),
      months.map((m) => txn(`2024-${m}-15`, -29.99, "PUREGYM LTD", "PureGym", "health", chunked)),
      months.map((m) => txn(`2024-${m}-20`, -11.99, "SPOTIFY P1A2B3", "Spotify", "entertainment", chunked)),
    ];
    for (const chunk of chunks) await sync(chunk, "sync-chunked");
    const messages = await receiveAll(stack.aws.sqs, stack.handles.queues.recurring.url, { remove: true });
    let evaluations = 0;
    const evaluate = coalescePerUser((detail, d: RecurringDeps) => {
      evaluations++;
      return reevaluateMerchants(detail, d);
    });
    const at = deps("2024-06-10T07:00:00Z");
    // Act
    const results = await Promise.all(messages.map((m) => handleRecurringMessage({ body: m.Body! }, { ...at, evaluate: (detail) => evaluate(detail, at) })));
    // Assess: the first evaluation runs alone, the two that waited become one
    expect(messages).toHaveLength(3);
    expect(evaluations).toBe(2);
    expect(results.map((r) => r.merchants).sort()).toEqual([1, 2, 2]);
    const streams = await repos.recurring.listAllByUser(chunked);
    expect(streams.map((s) => [s.merchant, s.status, s.occurrences]).sort()).toEqual([
      ["Netflix", "mature", 5],
      ["PureGym", "mature", 5],
      ["Spotify", "mature", 5],
    ]);
    const detected = (await announced()).filter((e) => (e.detail as { userId: string }).userId === chunked);
    expect(detected.map((e) => (e.detail as { merchant: string }).merchant).sort()).toEqual(["Netflix", "PureGym", "Spotify"]);
  });

  it("skips and logs a stream in the due index that fails its schema, and still reports the other missed payments", async () => {
    // Prepare: the chunked user's three monthly streams are overdue by September; before them in the
    // first due shard, a stream item no release can read (a cadence since renamed).
    const badId = Array.from({ length: 64 }, (_, i) => `mcorrupt.rs_${i}`).find(
      (id) => gsi4RecurringDue(id, "2024-06-01").GSI4PK === recurringDuePk(0),
    ) as string;
    await putUnreadableStream("user-corrupt", badId, gsi4RecurringDue(badId, "2024-06-01"));
    // Act
    const pass = await reportMissedPayments(deps("2024-09-01T05:00:00Z"));
    // Assess
    const missed = (await announced()).filter((e) => e.detailType === "RecurringPaymentMissed" && (e.detail as { userId: string }).userId === "user-chunked");
    expect(missed.map((e) => (e.detail as { merchant: string }).merchant).sort()).toEqual(["Netflix", "PureGym", "Spotify"]);
    expect(pass.missed).toBeGreaterThanOrEqual(3);
    expect(await repos.recurring.listAllByUser("user-chunked")).toSatisfy((streams: { status: string }[]) => streams.every((s) => s.status === "tombstoned"));
  });

  it("evaluates a user's other merchants when one of the user's stream items fails its schema, and leaves that merchant alone", async () => {
    // Prepare: a user with a stream item no release can read (another merchant's), then five months of Netflix.
    const owner = "user-bad-stream";
    const badId = `${merchantIdOf("gym")}.rs_corrupt`;
    await putUnreadableStream(owner, badId);
    const months = ["01", "02", "03", "04", "05"];
    await sync(
      [
        ...months.map((m) => txn(`2024-${m}-09`, -10.99, `NETFLIX.COM ${m}`, "Netflix", "entertainment", owner)),
        ...months.map((m) => txn(`2024-${m}-15`, -29.99, "GYM LTD", "Gym", "health", owner)),
      ],
      "sync-bad-stream",
    );
    // Act
    await runDetector("2024-06-10T07:00:00Z");
    // Assess
    const detected = (await announced()).filter((e) => (e.detail as { userId: string }).userId === owner);
    expect(detected.map((e) => [e.detailType, (e.detail as { merchant: string }).merchant])).toEqual([["RecurringPaymentDetected", "Netflix"]]);
    expect((await repos.recurring.getPredictions(owner))?.upcomingBills).toMatchObject([{ merchant: "Netflix", expectedOn: "2024-06-10" }]);
    const { streams, invalid } = await repos.recurring.listAllByUserChecked(owner);
    expect(streams.map((s) => s.merchant)).toEqual(["Netflix"]);
    expect(invalid.map((i) => i.key.SK)).toEqual([`RECURRING#${badId}`]);
  });
});
