import { SESv2Client } from "@aws-sdk/client-sesv2";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { budgetAlertId, type Repositories, userProfileEntity } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { type RunningFcmSandbox, startFcmSandbox } from "@expenzez/fcm-sandbox";
import { createLogger } from "@expenzez/logger";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDeferredPass } from "../src/deferred";
import { createSesEmailSender } from "../src/email";
import { createUserReadCache } from "../src/user-reads";
import { dispatchDeps, type Harness, harness, publishAndDispatch, SENDER, sentMail } from "./helpers";

// Needs the local AWS emulator (the vitest global setup starts moto) and runs the FCM stand-in in-process.

let h: Harness;
let fcm: RunningFcmSandbox;
let repos: Repositories;
const clock = { now: new Date("2024-03-15T23:00:00.000Z") };

beforeAll(async () => {
  h = await harness();
  repos = h.repos;
  fcm = await startFcmSandbox();
});
afterAll(async () => {
  await fcm?.stop();
});

async function seedUser(userId: string, token: string) {
  const at = "2024-03-01T00:00:00.000Z";
  await repos.profiles.putNew({ userId, email: `${userId}@example.com`, emailVerified: true, timeZone: "Europe/London", createdAt: at, updatedAt: at });
  await repos.notifications.createPreferences({
    userId,
    channels: { push: true, email: true },
    quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/London" },
    updatedAt: at,
  });
  await repos.notifications.putToken({ userId, tokenId: "phone", platform: "android", provider: "fcm", token, createdAt: at, updatedAt: at });
}

/** The titles of the pushes the FCM stand-in delivered to one device token, in order. */
const titlesDeliveredTo = (token: string) =>
  fcm
    .delivered()
    .filter((m) => m.token === token)
    .map((m) => m.notification?.title);

/** A large card payment at Currys booked at 11:00 on 16 March 2024, as the sync worker announces it. */
const largeCurrysPayment = (userId: string, transactionId: string, amountMinor: number) =>
  buildEvent("LargeTransactionDetected", {
    userId,
    accountId: "acc-1",
    transactionId,
    amountMinor,
    currency: "GBP",
    merchant: "Currys",
    bookedAt: "2024-03-16T11:00:00Z",
    thresholdMinor: 50_000,
    occurredAt: "2024-03-16T11:59:00Z",
  });

/** A monthly groceries budget of £300 with £310 spent in `currentPeriod`. */
async function putOverspentGroceries(userId: string, currentPeriod: { start: string; end: string }, createdAt: string, updatedAt = createdAt) {
  await repos.budgets.putNew({
    userId,
    budgetId: "groceries",
    category: "groceries",
    period: "monthly",
    currency: "GBP",
    limitMinor: 30_000,
    spentMinor: 31_000,
    currentPeriod,
    createdAt,
    updatedAt,
  });
}

describe("alert-dispatch on moto and the FCM stand-in", () => {
  it("a sync past 80% and 100% in quiet hours sends nothing then, one push and one email when they end, and nothing more on replay", async () => {
    // Prepare: a budget whose one sync took spending from 70% to 103%.
    const userId = "user-quiet";
    await seedUser(userId, "token-quiet-1");
    await putOverspentGroceries(userId, { start: "2024-03-01T00:00:00Z", end: "2024-04-01T00:00:00Z" }, "2024-03-01T00:00:00Z", "2024-03-15T23:00:00Z");
    const base = {
      userId,
      budgetId: "groceries",
      category: "groceries",
      period: { start: "2024-03-01", end: "2024-04-01" },
      spentMinor: 31_000,
      limitMinor: 30_000,
      currency: "GBP",
    };
    for (const t of [80, 100])
      await repos.budgetAlerts.recordOnce({
        ...base,
        alertId: budgetAlertId("groceries", "2024-03-01T00:00:00Z", t),
        periodStart: "2024-03-01T00:00:00Z",
        threshold: t,
        createdAt: "2024-03-15T23:00:00Z",
      });
    const events = [80, 100].map((t) =>
      buildEvent("BudgetThresholdCrossed", { ...base, thresholdPercent: t, correlationId: "sync-1", occurredAt: "2024-03-15T23:00:00Z" }),
    );
    const deps = dispatchDeps(h, fcm, clock);
    const mailBefore = (await sentMail()).length;

    // Act: the events arrive at 23:00 London; passes run at 03:00 and 07:00.
    const first = await publishAndDispatch(h, deps, events);
    clock.now = new Date("2024-03-16T03:00:00Z");
    const night = await runDeferredPass(deps);
    const pushesInQuiet = fcm.delivered().length;
    const mailInQuiet = (await sentMail()).length - mailBefore;
    clock.now = new Date("2024-03-16T07:00:30Z");
    const morning = await runDeferredPass(deps);
    const replay = await publishAndDispatch(h, deps, [...events, ...events]);
    clock.now = new Date("2024-03-16T08:00:00Z");
    const later = await runDeferredPass(deps);

    // Assess
    expect(first.results.map((r) => [r.outcome, r.reason]).sort()).toEqual([
      ["deferred", "quiet_hours"],
      ["suppressed", "superseded_by_threshold:100"],
    ]);
    expect([night.due, pushesInQuiet, mailInQuiet]).toEqual([0, 0, 0]);
    expect(morning.results.sent).toBe(1);
    const pushes = fcm.delivered();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]).toMatchObject({
      token: "token-quiet-1",
      notification: { title: "Groceries budget: 100% used", body: "You've spent £310.00 of your £300.00 Groceries budget." },
    });
    expect(pushes[0]?.data).toMatchObject({ deepLink: "expenzez://budgets/groceries", type: "BudgetThresholdCrossed" });
    const mail = (await sentMail()).slice(mailBefore);
    expect(mail.map((m) => [m.source, m.destinations.ToAddresses, m.subject])).toEqual([[SENDER, ["user-quiet@example.com"], "Groceries budget: 100% used"]]);
    expect(replay.results.map((r) => r.outcome)).toEqual(["replay", "replay", "replay", "replay"]);
    expect(later.due).toBe(0);
    expect(fcm.delivered()).toHaveLength(1);
    expect((await sentMail()).length - mailBefore).toBe(1);

    const history = await repos.notifications.listHistory(userId);
    const sent = history.find((n) => n.status === "delivered");
    expect(history.map((n) => n.status).sort()).toEqual(["delivered", "suppressed"]);
    expect(sent?.attempts.map((a) => [a.channel, a.target, a.outcome])).toEqual(
      expect.arrayContaining([
        ["push", "phone", "delivered"],
        ["email", "email", "delivered"],
      ]),
    );
    expect(sent?.decisions.map((d) => d.reason)).toEqual(["quiet_hours", "preferences_allow", "delivered"]);
    expect(sent?.decisions[0]?.until).toBe("2024-03-16T07:00:00.000Z");
    expect(sent?.deliveredAt).toBe("2024-03-16T07:00:30.000Z");
    expect(history.find((n) => n.status === "suppressed")?.reason).toBe("superseded_by_threshold:100");
    expect(await repos.budgetAlerts.get(userId, budgetAlertId("groceries", "2024-03-01T00:00:00Z", 100))).toMatchObject({
      status: "dispatched",
      triggerCount: 1,
    });
    expect(await repos.budgetAlerts.get(userId, budgetAlertId("groceries", "2024-03-01T00:00:00Z", 80))).toMatchObject({
      status: "suppressed",
      triggerCount: 0,
    });
    const [token] = await repos.notifications.listTokens(userId);
    expect(token).toMatchObject({ totalNotificationsSent: 1, successfulDeliveries: 1, failedDeliveries: 0 });

    const dispatched = h.published
      .filter((e) => e.detailType === "NotificationDispatched" && e.detail.userId === userId)
      .map((e) => e.detail as { status: string; channel: string; reason?: string });
    expect(dispatched.map((d) => `${d.channel}:${d.status}:${d.reason ?? ""}`).sort()).toEqual([
      "email:deferred:quiet_hours",
      "email:sent:",
      "email:suppressed:superseded_by_threshold:100",
      "push:deferred:quiet_hours",
      "push:sent:",
      "push:suppressed:superseded_by_threshold:100",
    ]);
  });

  /**
   * A user with one device and an overspent April groceries budget (`currentPeriod` as it was
   * cut): the 80% and 100% events of one sync, dated 1 to 30 April as budget-recalc dates them.
   */
  async function aprilPastEightyAndHundred(userId: string, timeZone: string, currentPeriod: { start: string; end: string }, quietHoursZone?: string) {
    const at = "2024-04-01T00:00:00.000Z";
    await repos.profiles.putNew({ userId, email: `${userId}@example.com`, timeZone, createdAt: at, updatedAt: at });
    await repos.notifications.createPreferences({
      userId,
      channels: { push: true, email: false },
      ...(quietHoursZone ? { quietHours: { start: "22:00", end: "07:00", timeZone: quietHoursZone, enabled: false } } : {}),
      updatedAt: at,
    });
    await repos.notifications.putToken({
      userId,
      tokenId: "phone",
      platform: "android",
      provider: "fcm",
      token: `token-${userId}`,
      createdAt: at,
      updatedAt: at,
    });
    await putOverspentGroceries(userId, currentPeriod, at);
    return [80, 100].map((t) =>
      buildEvent("BudgetThresholdCrossed", {
        userId,
        budgetId: "groceries",
        category: "groceries",
        period: { start: "2024-04-01", end: "2024-04-30" },
        thresholdPercent: t,
        spentMinor: 31_000,
        limitMinor: 30_000,
        currency: "GBP",
        occurredAt: "2024-04-10T11:59:00Z",
      }),
    );
  }

  it("matches the event's period to the budget in the profile's zone, which cut it, when the quiet hours name another", async () => {
    // Prepare: a London budget's April (from 23:00 UTC on 31 March); quiet hours switched off, kept in New York's zone.
    const events = await aprilPastEightyAndHundred(
      "user-two-zones",
      "Europe/London",
      { start: "2024-03-31T23:00:00.000Z", end: "2024-04-30T23:00:00.000Z" },
      "America/New_York",
    );
    clock.now = new Date("2024-04-10T12:00:00Z");
    // Act
    const { results } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), events);
    // Assess: one sync past 80% and 100% is one notification, for 100%
    expect(results.map((r) => `${r.outcome}:${r.reason ?? ""}`).sort()).toEqual(["sent:", "suppressed:superseded_by_threshold:100"]);
    expect(titlesDeliveredTo("token-user-two-zones")).toEqual(["Groceries budget: 100% used"]);
  });

  it("after a move west, matches the April that started where London's March ended (19:00 on 31 March in New York) to events dated 1 April", async () => {
    // Prepare: the period after London's March closed in New York, stretched back to that instant.
    const events = await aprilPastEightyAndHundred("user-moved-west", "America/New_York", {
      start: "2024-03-31T23:00:00.000Z",
      end: "2024-05-01T04:00:00.000Z",
    });
    clock.now = new Date("2024-04-10T12:00:00Z");
    // Act
    const { results } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), events);
    // Assess: the 80% is superseded by the 100% of the same period, so one notification.
    expect(results.map((r) => `${r.outcome}:${r.reason ?? ""}`).sort()).toEqual(["sent:", "suppressed:superseded_by_threshold:100"]);
    expect(titlesDeliveredTo("token-user-moved-west")).toEqual(["Groceries budget: 100% used"]);
  });

  it("two thresholds crossed by separate syncs in one night give one notification in the morning, for the higher", async () => {
    const userId = "user-night";
    await seedUser(userId, "token-night-1");
    const budget = {
      userId,
      budgetId: "eating_out",
      category: "eating_out",
      period: "monthly" as const,
      currency: "GBP",
      limitMinor: 10_000,
      spentMinor: 8_500,
      currentPeriod: { start: "2024-03-01T00:00:00Z", end: "2024-04-01T00:00:00Z" },
      createdAt: "2024-03-01T00:00:00Z",
      updatedAt: "2024-03-16T23:00:00Z",
    };
    const stored = await repos.budgets.putNew(budget);
    const base = {
      userId,
      budgetId: "eating_out",
      category: "eating_out",
      period: { start: "2024-03-01", end: "2024-04-01" },
      limitMinor: 10_000,
      currency: "GBP",
    };
    const deps = dispatchDeps(h, fcm, clock);
    clock.now = new Date("2024-03-16T23:00:00Z");
    const first = await publishAndDispatch(h, deps, [
      buildEvent("BudgetThresholdCrossed", { ...base, thresholdPercent: 80, spentMinor: 8_500, occurredAt: clock.now.toISOString() }),
    ]);
    clock.now = new Date("2024-03-17T02:00:00Z");
    await repos.budgets.updateVersioned({ ...stored, spentMinor: 10_400 }, stored.version);
    const second = await publishAndDispatch(h, deps, [
      buildEvent("BudgetThresholdCrossed", { ...base, thresholdPercent: 100, spentMinor: 10_400, occurredAt: clock.now.toISOString() }),
    ]);
    clock.now = new Date("2024-03-17T07:00:05Z");
    const morning = await runDeferredPass(deps);
    expect([first.results[0]?.outcome, second.results[0]?.outcome]).toEqual(["deferred", "deferred"]);
    expect([morning.results.sent, morning.results.suppressed]).toEqual([1, 1]);
    expect(titlesDeliveredTo("token-night-1")).toEqual(["Eating out budget: 100% used"]);
    const history = await repos.notifications.listHistory(userId);
    expect(history.map((n) => `${n.status}:${n.reason}`).sort()).toEqual(["delivered:delivered", "suppressed:superseded_by_threshold:100"]);
  });

  it("an unregistered token is marked invalid with its reason and the other device still gets the push", async () => {
    const userId = "user-dead";
    await seedUser(userId, "token-dead-1");
    await repos.notifications.putToken({
      userId,
      tokenId: "tablet",
      platform: "android",
      provider: "fcm",
      token: "token-live-2",
      createdAt: "2024-03-01T00:00:00Z",
      updatedAt: "2024-03-01T00:00:00Z",
    });
    fcm.unregister("token-dead-1");
    clock.now = new Date("2024-03-16T12:00:00Z");
    const event = largeCurrysPayment(userId, "txn_big", -75_000);
    const { results } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), [event]);
    expect(results).toMatchObject([{ outcome: "sent", delivery: { delivered: 2, failed: 1, invalidatedTokens: 1 } }]);
    const tokens = await repos.notifications.listTokens(userId);
    expect(tokens.find((t) => t.tokenId === "phone")).toMatchObject({ enabled: false, invalidReason: "UNREGISTERED", failedDeliveries: 1 });
    expect(tokens.find((t) => t.tokenId === "tablet")).toMatchObject({ enabled: true, successfulDeliveries: 1 });
    const [entry] = await repos.notifications.listHistory(userId);
    expect(entry?.attempts.find((a) => a.target === "phone")).toMatchObject({ outcome: "failed", errorCode: "fcm.unregistered" });
  });

  it("an FCM 429 storm is retried with Retry-After and delivered", async () => {
    const userId = "user-storm";
    await seedUser(userId, "token-storm-1");
    clock.now = new Date("2024-03-16T12:00:00Z");
    await repos.notifications.updatePreferences({ ...(await repos.notifications.getPreferences(userId))!, channels: { push: true, email: false } }, 1);
    fcm.storm({ status: 429, count: 3, retryAfterSeconds: 1 });
    const event = buildEvent("ConnectionReconnectRequired", { userId, connectionId: "conn-9", reason: "invalid_grant", occurredAt: "2024-03-16T11:59:00Z" });
    const { results } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), [event]);
    expect(results).toMatchObject([{ outcome: "sent", delivery: { delivered: 1 } }]);
    const [entry] = await repos.notifications.listHistory(userId);
    expect(entry?.attempts).toMatchObject([{ channel: "push", outcome: "delivered", tries: 4 }]);
    expect(fcm.requests().filter((r) => r.status === 429)).toHaveLength(3);
  });
  it("a profile whose locale or time zone Intl refuses (en_GB, London) still gets its alerts, written in en-GB for London", async () => {
    // Prepare: a profile stored before writes were checked, with Android's locale spelling and a
    // city instead of an IANA zone (the repository refuses both now, so the item is put raw).
    const userId = "user-odd-locale";
    const at = "2024-03-01T00:00:00.000Z";
    const item = userProfileEntity.toItem({ userId, email: `${userId}@example.com`, createdAt: at, updatedAt: at });
    await h.db.doc.send(
      new PutCommand({ TableName: h.db.tableName, Item: { ...item, timeZone: "London", preferences: { ...(item.preferences as object), locale: "en_GB" } } }),
    );
    await repos.notifications.createPreferences({ userId, channels: { push: true, email: false }, updatedAt: at });
    await repos.notifications.putToken({
      userId,
      tokenId: "phone",
      platform: "android",
      provider: "fcm",
      token: "token-odd-locale",
      createdAt: at,
      updatedAt: at,
    });
    clock.now = new Date("2024-03-16T12:00:00Z");
    const events = [
      largeCurrysPayment(userId, "txn_odd", -90_000),
      buildEvent("ConnectionConsentExpiring", { userId, connectionId: "conn-1", consentExpiresAt: "2024-03-23T23:30:00Z", daysLeft: 7 }),
    ];
    // Act
    const { results } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), events);
    // Assess
    expect(results.map((r) => r.outcome)).toEqual(["sent", "sent"]);
    const mine = fcm.delivered().filter((m) => m.token === "token-odd-locale");
    expect(mine.map((m) => m.notification?.body).sort()).toEqual(["Renew access by 23 Mar 2024 to keep your accounts up to date.", "£900.00 at Currys."]);
  });

  it("an email SES could not be reached for is tried again in a later round, not failed for good", async () => {
    // Prepare: email only; SES's endpoint refuses the connection (a network fault, not an answer).
    const userId = "user-ses-down";
    const at = "2024-03-01T00:00:00.000Z";
    await repos.profiles.putNew({ userId, email: `${userId}@example.com`, emailVerified: true, timeZone: "Europe/London", createdAt: at, updatedAt: at });
    await repos.notifications.createPreferences({ userId, channels: { push: false, email: true }, updatedAt: at });
    const unreachable = new SESv2Client({
      region: "eu-west-2",
      endpoint: "http://127.0.0.1:9",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    clock.now = new Date("2024-03-16T12:00:00Z");
    const event = buildEvent("ConnectionReconnectRequired", { userId, connectionId: "conn-ses", reason: "invalid_grant", occurredAt: "2024-03-16T11:59:00Z" });
    // Act: SES is down for the first round, back for the pass after it.
    const down = await publishAndDispatch(h, dispatchDeps(h, fcm, clock, { email: createSesEmailSender(unreachable, SENDER) }), [event]);
    clock.now = new Date("2024-03-16T12:15:00Z");
    const mailBefore = (await sentMail()).length;
    const pass = await runDeferredPass(dispatchDeps(h, fcm, clock));
    // Assess
    expect(down.results).toMatchObject([{ outcome: "retry_scheduled", delivery: { retry: 1, failed: 0 } }]);
    expect(pass.results.sent).toBe(1);
    expect((await sentMail()).length - mailBefore).toBe(1);
    const [entry] = await repos.notifications.listHistory(userId);
    expect(entry?.attempts.map((a) => a.outcome)).toEqual(["failed", "delivered"]);
  });

  it("a user's profile written after the process cached its absence is read again before an alert is dropped as for nobody", async () => {
    // Prepare: the cache holds this user's reads from before the profile existed.
    const deps = dispatchDeps(h, fcm, clock, { userReads: createUserReadCache({ ttlMs: 60_000 }) });
    clock.now = new Date("2024-03-16T12:00:00Z");
    const reconnect = (connectionId: string) =>
      buildEvent("ConnectionReconnectRequired", { userId: "user-late", connectionId, reason: "invalid_grant", occurredAt: "2024-03-16T11:59:00Z" });
    const before = await publishAndDispatch(h, deps, [reconnect("conn-before")]);
    await repos.profiles.putNew({ userId: "user-late", email: "user-late@example.com", createdAt: "2024-03-16T12:00:00Z", updatedAt: "2024-03-16T12:00:00Z" });
    // Act
    const after = await publishAndDispatch(h, deps, [reconnect("conn-after")]);
    // Assess
    expect(before.results.map((r) => r.outcome)).toEqual(["unknown_user"]);
    expect(after.results.map((r) => r.outcome)).not.toContain("unknown_user");
    expect(await repos.notifications.listHistory("user-late")).toHaveLength(1);
  });

  it("an alert naming a user who does not exist (no profile) is acknowledged and counted, and writes nothing; a user with only a profile gets its record", async () => {
    const lines: string[] = [];
    const deps = dispatchDeps(h, fcm, clock, { log: createLogger("test", { level: "info", destination: { write: (l) => void lines.push(l) } }) });
    clock.now = new Date("2024-03-16T12:00:00Z");
    const large = (userId: string) => largeCurrysPayment(userId, "txn_nobody", -90_000);
    await repos.profiles.putNew({ userId: "user-bare", email: "user-bare@example.com", createdAt: "2024-03-01T00:00:00Z", updatedAt: "2024-03-01T00:00:00Z" });
    const { results } = await publishAndDispatch(h, deps, [large("user-nobody"), large("user-bare")]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["suppressed", "unknown_user"]);
    const itemsOf = async (userId: string) =>
      (
        await h.stack.aws.doc.send(
          new QueryCommand({
            TableName: h.db.tableName,
            KeyConditionExpression: "PK = :pk",
            ExpressionAttributeValues: { ":pk": `USER#${userId}` },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect(await itemsOf("user-nobody")).toEqual([]);
    expect((await itemsOf("user-bare")).map((i) => String(i.SK).split("#")[0])).toEqual(["NOTIFICATION", "PROFILE"]);
    expect(lines.filter((l) => l.includes('"AlertsForUnknownUser":1'))).toHaveLength(1);
    expect(h.published.filter((e) => (e.detail as { userId?: string }).userId === "user-nobody")).toEqual([]);
  });
});
