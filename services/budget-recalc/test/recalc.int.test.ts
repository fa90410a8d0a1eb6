import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { keys, SK_PREFIX, transactionEntity, userPk, userProfileEntity } from "@expenzez/db";
import { startWorker } from "@expenzez/runtime";
import { emulatorEndpoint, receiveAll } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleBudgetEvent, InvalidBudgetEventError, recalculateBudgets, rollOverEndedPeriods } from "../src";
import { aBudget, budgetEventsTap, depsFor, drain, type Env, publish, putRawBudget, putTransaction, setUpEnv, synced, userBudgetEntity } from "./helpers";

// Needs the local AWS emulator (started by the vitest global setup).

let env: Env;
const NOW = new Date("2024-03-20T10:00:00Z");

beforeAll(async () => {
  env = await setUpEnv();
});

beforeEach(async () => {
  await Promise.all([drain(env, "budgetRecalc"), drain(env, "alertDispatch"), drain(env, "recurring")]);
});

/** Publishes the events and hands what the budget-recalc queue received to the handler, in the order given. */
async function deliver(events: Parameters<typeof publish>[1], now = NOW, order: (bodies: string[]) => string[] = (b) => b): Promise<string[]> {
  await publish(env, events);
  const bodies = (await drain(env, "budgetRecalc")).map((m) => m.body);
  for (const body of order(bodies)) await handleBudgetEvent({ body }, depsFor(env, now));
  return bodies;
}

async function thresholdEvents() {
  return (await drain(env, "alertDispatch")).map((m) => m.event).filter((e) => e.detailType === "BudgetThresholdCrossed");
}

/** Invariant 5, computed from the table's items on their own: booked, shown, not own transfers, GBP, local March. */
async function independentSpent(userId: string, from: string, to: string): Promise<number> {
  const out = await env.db.doc.send(
    new QueryCommand({
      TableName: env.db.tableName,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :tx)",
      ExpressionAttributeValues: { ":pk": userPk(userId), ":tx": SK_PREFIX.transaction },
    }),
  );
  let net = 0;
  // Through the entity: the stored item keeps the timestamp in its index key, not as an attribute.
  for (const t of (out.Items ?? []).map((i) => transactionEntity.fromItem(i))) {
    const at = Date.parse(t.timestamp);
    if (t.category.primary !== "groceries" || t.status !== "booked" || t.isHidden === true || t.deletedAt || t.currency !== "GBP") continue;
    if (t.category.secondary === "transfers/own_accounts" || at < Date.parse(from) || at >= Date.parse(to)) continue;
    // Debits are negative and refunds positive in amountMinor: spending is minus their sum.
    net -= t.amountMinor;
  }
  return Math.max(0, net);
}

describe("budget-recalc on the emulator", () => {
  it("sums exactly what counts, crosses 50% and 100% once each, and replays change nothing", async () => {
    const userId = "u-exact";
    await env.repos.profiles.putNew({
      userId,
      email: "exact@example.com",
      timeZone: "Europe/London",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    await env.repos.budgets.putNew(aBudget({ userId, thresholds: [50, 100] }));
    await putTransaction(env, userId, -10_050);
    await putTransaction(env, userId, -4_999, { timestamp: "2024-03-31T22:59:59.999Z" }); // 23:59 BST on 31 March: March
    await putTransaction(env, userId, -7_000, { timestamp: "2024-03-31T23:00:00.000Z" }); // 00:00 BST on 1 April: not March
    await putTransaction(env, userId, -2_000, { status: "pending" });
    await putTransaction(env, userId, -3_000, { isHidden: true });
    await putTransaction(env, userId, -9_000, { currency: "EUR" });
    await putTransaction(env, userId, -1_234, { category: { primary: "shopping", confidence: 0.9, reason: "merchant" } });

    const first = synced({ userId, syncId: "s1" });
    await deliver([first]);
    const budget1 = await env.repos.budgets.get(userId, "groceries");
    expect(budget1).toMatchObject({ spentMinor: 15_049, remainingMinor: 14_951, percentage: 50.16, status: "active", alertedThresholds: [50], version: 2 });
    const fifty = await thresholdEvents();
    expect(fifty.map((e) => e.detail)).toEqual([
      expect.objectContaining({
        budgetId: "groceries",
        thresholdPercent: 50,
        spentMinor: 15_049,
        limitMinor: 30_000,
        period: { start: "2024-03-01", end: "2024-03-31" },
        correlationId: first.detail.eventId,
      }),
    ]);

    // A big shop, then a refund that dips below 100%: 100% is announced once and not re-armed.
    await putTransaction(env, userId, -16_000, { timestamp: "2024-03-18T09:00:00.000Z" });
    const second = synced({ userId, syncId: "s2", range: { from: "2024-03-18", to: "2024-03-18" } });
    await deliver([second]);
    await putTransaction(env, userId, 2_500, { direction: "credit", timestamp: "2024-03-19T09:00:00.000Z" });
    const refund = synced({ userId, syncId: "s3", range: { from: "2024-03-19", to: "2024-03-19" } });
    await deliver([refund]);
    const hundred = await thresholdEvents();
    expect(hundred.map((e) => e.detail).map((d) => ("thresholdPercent" in d ? d.thresholdPercent : 0))).toEqual([100]);
    const settled = await env.repos.budgets.get(userId, "groceries");
    expect(settled).toMatchObject({ spentMinor: 28_549, status: "active", alertedThresholds: [50, 100] });
    expect(settled?.spentMinor).toBe(await independentSpent(userId, "2024-03-01T00:00:00.000Z", "2024-03-31T23:00:00.000Z"));

    // Every event again, twice, newest first: the same budget, no event.
    await deliver([first, second, refund, first, second, refund], NOW, (b) => [...b].reverse());
    expect(await env.repos.budgets.get(userId, "groceries")).toEqual(settled);
    expect(await thresholdEvents()).toEqual([]);
  });

  it("leaves soft-deleted transactions out of the sum (a forgotten closed account, a vanished hold)", async () => {
    const userId = "u-soft";
    await env.repos.profiles.putNew({
      userId,
      email: "soft@example.com",
      timeZone: "Europe/London",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    await env.repos.budgets.putNew(aBudget({ userId, thresholds: [50, 100] }));
    await putTransaction(env, userId, -2_500);
    await putTransaction(env, userId, -40_000, { deletedAt: "2024-03-19T10:00:00Z", deletedReason: "account_closed" });

    await deliver([synced({ userId, syncId: "s-soft" })]);

    const budget = await env.repos.budgets.get(userId, "groceries");
    expect(budget?.spentMinor).toBe(2_500);
    expect(budget?.spentMinor).toBe(await independentSpent(userId, "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"));
    expect(await thresholdEvents()).toEqual([]);
  });

  it("recalculates for a profile stored before zones were checked ('London'), read as Europe/London", async () => {
    // Prepare: the repository refuses such a zone now, so the old item is put raw.
    const userId = "u-old-zone";
    const profile = userProfileEntity.toItem({ userId, email: "old-zone@example.com", createdAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
    await env.db.doc.send(new PutCommand({ TableName: env.db.tableName, Item: { ...profile, timeZone: "London" } }));
    await env.repos.budgets.putNew(aBudget({ userId }));
    await putTransaction(env, userId, -3_100);
    // Act
    await deliver([synced({ userId, syncId: "s-old-zone" })]);
    // Assess: summed, not a failure of every event of the user.
    expect(await env.repos.budgets.get(userId, "groceries")).toMatchObject({ spentMinor: 3_100 });
  });

  it("takes over an event whose delivery died holding its claim once the queue's visibility timeout has passed", async () => {
    // Prepare: the first delivery claims the event and then hangs forever, as a killed process would.
    const userId = "u-died";
    await env.repos.profiles.putNew({
      userId,
      email: "died@example.com",
      timeZone: "Europe/London",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    await env.repos.budgets.putNew(aBudget({ userId }));
    await putTransaction(env, userId, -4_200);
    await publish(env, [synced({ userId, syncId: "s-died" })]);
    const [message] = await drain(env, "budgetRecalc");
    const hung = new Proxy(env.repos.budgets, { get: () => () => new Promise(() => {}) });
    void handleBudgetEvent({ body: message!.body }, depsFor(env, NOW, { repos: { ...env.repos, budgets: hung } }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Act: the redelivery, just after the queue's visibility timeout (60 s) brings it back.
    const later = new Date(NOW.getTime() + 61_000);
    await handleBudgetEvent({ body: message!.body }, depsFor(env, later));
    // Assess
    expect(await env.repos.budgets.get(userId, "groceries")).toMatchObject({ spentMinor: 4_200 });
  });

  it("sends an event that fails its schema to the dead-letter path with the reason", async () => {
    const err = await handleBudgetEvent(
      { body: JSON.stringify({ id: "x", source: "expenzez.sync", "detail-type": "TransactionsSynced", detail: { userId: "u" } }) },
      depsFor(env, NOW),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidBudgetEventError);
    expect((err as InvalidBudgetEventError).code).toBe("budgets.invalid_event");
    expect((err as InvalidBudgetEventError).message).toContain("eventId");
    expect(await handleBudgetEvent({ body: "not json" }, depsFor(env, NOW)).catch((e: unknown) => e)).toBeInstanceOf(InvalidBudgetEventError);
  });

  it("dead-letters a malformed event run by the long-polling worker, with its reason", async () => {
    const q = env.stack.handles.queues.budgetRecalc;
    await receiveAll(env.stack.aws.sqs, q.dlqUrl, { remove: true });
    await env.stack.aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: q.url,
        MessageBody: JSON.stringify({ id: "x", source: "expenzez.sync", "detail-type": "TransactionsSynced", detail: {} }),
      }),
    );
    const worker = startWorker({
      sqs: env.stack.aws.sqs,
      queueUrl: q.url,
      dlqUrl: q.dlqUrl,
      visibilityTimeoutSeconds: 30,
      waitTimeSeconds: 1,
      log: depsFor(env, NOW).log,
      handler: async (message, context) => {
        await handleBudgetEvent(message, { ...depsFor(env, NOW), log: context.log });
      },
    });
    const deadline = Date.now() + 20_000;
    while (worker.stats.deadLettered === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    const [dead, ...more] = await receiveAll(env.stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(more).toEqual([]);
    expect(dead?.MessageAttributes?.failure_code?.StringValue).toBe("budgets.invalid_event");
    expect(dead?.MessageAttributes?.failure_reason?.StringValue).toContain("userId");
  });

  it("skips a budget item that fails its schema and still recalculates the others", async () => {
    const userId = "u-bad-item";
    await env.repos.budgets.putNew(aBudget({ userId, budgetId: "good" }));
    const bad = userBudgetEntity.toItem(aBudget({ userId, budgetId: "bad" }));
    await putRawBudget(env, { ...bad, limitMinor: "three hundred" });
    await putTransaction(env, userId, -1_000);
    const summary = await recalculateBudgets(depsFor(env, NOW), { userId, range: "all-open" });
    expect(summary).toMatchObject({ invalidBudgets: 1, budgets: 1, budgetsWritten: 1 });
    expect((await env.repos.budgets.get(userId, "good"))?.spentMinor).toBe(1_000);
  });

  it("re-reads and recomputes a budget that changed while it was recalculated, never overwriting it", async () => {
    const userId = "u-race";
    await env.repos.budgets.putNew(aBudget({ userId }));
    await putTransaction(env, userId, -20_000);
    const stale = await env.repos.budgets.listAllByUserChecked(userId);
    // The app raises the limit meanwhile.
    const current = await env.repos.budgets.get(userId, "groceries");
    await env.repos.budgets.updateVersioned({ ...(current as NonNullable<typeof current>), limitMinor: 50_000 }, 1);
    const deps = depsFor(env, NOW);
    const summary = await recalculateBudgets(
      { ...deps, repos: { ...deps.repos, budgets: { ...deps.repos.budgets, listAllByUserChecked: async () => stale } } },
      { userId, range: "all-open" },
    );
    expect(summary).toMatchObject({ conflicts: 1, budgetsWritten: 1 });
    expect(await env.repos.budgets.get(userId, "groceries")).toMatchObject({
      limitMinor: 50_000,
      spentMinor: 20_000,
      percentage: 40,
      alertedThresholds: [],
      version: 3,
    });
  });

  it("rolls the period over at local midnight and corrects it for a late transaction without threshold events", async () => {
    const userId = "u-roll";
    await env.repos.profiles.putNew({
      userId,
      email: "roll@example.com",
      timeZone: "Europe/London",
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    await env.repos.budgets.putNew(aBudget({ userId }));
    await putTransaction(env, userId, -12_000);
    await putTransaction(env, userId, -2_000, { timestamp: "2024-04-02T10:00:00.000Z" });
    await recalculateBudgets(depsFor(env, NOW), { userId, range: "all-open" });
    await drain(env, "alertDispatch");
    const tap = await budgetEventsTap(env);

    // 23:59 BST on 31 March: not over yet.
    expect((await rollOverEndedPeriods(depsFor(env, new Date("2024-03-31T22:59:00Z")))).periodsClosed).toBe(0);
    const pass = await rollOverEndedPeriods(depsFor(env, new Date("2024-04-03T00:00:00Z")));
    // Other tests' March budgets are due too (the bad item of the skip test is reported): each closes once.
    expect(pass).toMatchObject({ failed: 0, invalidBudgets: 1, periodsClosed: pass.budgetsDue });
    const rolled = await env.repos.budgets.get(userId, "groceries");
    expect(rolled).toMatchObject({
      currentPeriod: { start: "2024-03-31T23:00:00.000Z", end: "2024-04-30T23:00:00.000Z" },
      spentMinor: 2_000,
      alertedThresholds: [],
      history: [expect.objectContaining({ periodId: "2024-03", spentMinor: 12_000, varianceMinor: 18_000, achieved: true })],
      performance: expect.objectContaining({ periods: 1, averageSpentMinor: 12_000 }),
      aiRecommendations: expect.objectContaining({ suggestedLimitMinor: 13_500 }),
    });
    const closed = (await tap()).filter((e) => e.detail.userId === userId);
    expect(closed.map((e) => [e.detailType, e.detail])).toEqual([
      [
        "BudgetPeriodClosed",
        expect.objectContaining({ budgetId: "groceries", period: { start: "2024-03-01", end: "2024-03-31" }, spentMinor: 12_000, limitMinor: 30_000 }),
      ],
    ]);
    expect((await rollOverEndedPeriods(depsFor(env, new Date("2024-04-03T00:00:00Z")))).periodsClosed).toBe(0);

    // An old booking of March synced in April: the history entry is corrected, nothing is announced.
    await putTransaction(env, userId, -20_000, { timestamp: "2024-03-30T10:00:00.000Z" });
    await deliver([synced({ userId, syncId: "late", range: { from: "2024-03-30", to: "2024-03-30" } })], new Date("2024-04-03T01:00:00Z"));
    const corrected = await env.repos.budgets.get(userId, "groceries");
    expect(corrected?.history[0]).toMatchObject({ spentMinor: 32_000, varianceMinor: -2_000, achieved: false });
    expect(corrected).toMatchObject({ spentMinor: 2_000, alertedThresholds: [] });
    expect(await thresholdEvents()).toEqual([]);
    expect(keys.budget(userId, "groceries").SK).toBe("BUDGET#groceries");
  });

  it("closes every period a late roll-over pass missed, in order, each once", async () => {
    const userId = "u-catch-up";
    const tap = await budgetEventsTap(env);
    await tap();
    // A weekly budget whose week of 4 March 2024 ended, and the pass runs on 27 March: three weeks to close.
    await env.repos.budgets.putNew(
      aBudget({
        userId,
        budgetId: "coffee",
        period: "weekly",
        limitMinor: 2_000,
        currentPeriod: { start: "2024-03-04T00:00:00.000Z", end: "2024-03-11T00:00:00.000Z" },
      }),
    );
    await putTransaction(env, userId, -500, { timestamp: "2024-03-05T08:00:00.000Z" });
    await putTransaction(env, userId, -2_500, { timestamp: "2024-03-26T08:00:00.000Z" });
    const pass = await rollOverEndedPeriods(depsFor(env, new Date("2024-03-27T12:00:00Z")));
    expect(pass.failed).toBe(0);
    const budget = await env.repos.budgets.get(userId, "coffee");
    expect(budget?.history.map((h) => [h.periodId, h.spentMinor])).toEqual([
      ["2024-W10", 500],
      ["2024-W11", 0],
      ["2024-W12", 0],
    ]);
    // The week now running already passed every threshold: announced with the roll-over.
    expect(budget).toMatchObject({
      currentPeriod: { start: "2024-03-25T00:00:00.000Z" },
      spentMinor: 2_500,
      status: "exceeded",
      alertedThresholds: [50, 80, 100],
    });
    const events = (await tap()).filter((e) => e.detail.userId === userId).map((e) => e.detailType);
    expect(events.sort()).toEqual([
      "BudgetPeriodClosed",
      "BudgetPeriodClosed",
      "BudgetPeriodClosed",
      "BudgetThresholdCrossed",
      "BudgetThresholdCrossed",
      "BudgetThresholdCrossed",
    ]);
  });

  it("recomputes one user's open periods from the ops CLI", async () => {
    const userId = "u-cli";
    await env.repos.budgets.putNew(aBudget({ userId, budgetId: "edited", limitMinor: 10_000 }));
    await putTransaction(env, userId, -6_000);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli.ts", "recalc", "--user", userId, "--budget", "edited"], {
      cwd: `${import.meta.dirname}/..`,
      env: { ...process.env, AWS_ENDPOINT_URL: emulatorEndpoint(), STAGE: "local", LOG_LEVEL: "silent" },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toMatchObject({ budgets: 1, periodsRecomputed: 1, budgetsWritten: 1, thresholdsCrossed: 1 });
    expect(await env.repos.budgets.get(userId, "edited")).toMatchObject({ spentMinor: 6_000, alertedThresholds: [50] });
  });
});
