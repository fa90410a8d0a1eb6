import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { gsi4NotificationDue, keys, notificationDuePk } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { type RunningFcmSandbox, startFcmSandbox } from "@expenzez/fcm-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toAlert } from "../src/alert";
import { runDeferredPass } from "../src/deferred";
import { handleAlertEvent, notificationIdOf } from "../src/dispatch";
import { dispatchDeps, type Harness, harness, publishAndDispatch } from "./helpers";

// Needs the local AWS emulator (the vitest global setup starts moto) and runs the FCM stand-in in-process.

let h: Harness;
let fcm: RunningFcmSandbox;
const clock = { now: new Date("2024-03-16T12:00:00.000Z") };

beforeAll(async () => {
  h = await harness();
  fcm = await startFcmSandbox();
});
afterAll(async () => {
  await fcm?.stop();
});

async function seedUser(userId: string, prefs: Record<string, unknown> = {}) {
  const at = "2024-03-01T00:00:00.000Z";
  await h.repos.profiles.putNew({ userId, email: `${userId}@example.com`, emailVerified: true, timeZone: "Europe/London", createdAt: at, updatedAt: at });
  await h.repos.notifications.createPreferences({ userId, channels: { push: true, email: false }, updatedAt: at, ...prefs });
  await h.repos.notifications.putToken({ userId, tokenId: "phone", platform: "ios", provider: "fcm", token: `token-${userId}`, createdAt: at, updatedAt: at });
}

const large = (userId: string, i: number) =>
  buildEvent("LargeTransactionDetected", {
    userId,
    accountId: "acc-1",
    transactionId: `txn_${i}`,
    amountMinor: -60_000 - i,
    currency: "GBP",
    merchant: "Currys",
    bookedAt: "2024-03-16T11:00:00Z",
    thresholdMinor: 50_000,
    occurredAt: "2024-03-16T11:59:00Z",
  });

describe("alert-dispatch recovery and limits on moto", () => {
  it("tells the user at the third failed sync in a row, once, through the routing rule", async () => {
    const userId = "user-failing";
    await seedUser(userId);
    const events = [1, 2, 3, 4].map((attempts) =>
      buildEvent("ConnectionSyncFailed", { userId, connectionId: "conn-1", errorCode: "truelayer.provider_error", retryable: true, attempts }),
    );
    const consent = buildEvent("ConnectionConsentExpiring", { userId, connectionId: "conn-1", consentExpiresAt: "2024-03-23T12:00:00Z", daysLeft: 7 });
    const { results, detailTypes } = await publishAndDispatch(h, dispatchDeps(h, fcm, clock), [...events, consent]);
    expect(detailTypes.sort()).toEqual(["ConnectionConsentExpiring", ...Array(4).fill("ConnectionSyncFailed")]);
    expect(results.map((r) => `${r.outcome}:${r.reason ?? ""}`).sort()).toEqual([
      "sent:",
      "sent:",
      "suppressed:sync_failures_already_alerted",
      "suppressed:sync_failures_below_threshold",
      "suppressed:sync_failures_below_threshold",
    ]);
    expect(
      fcm
        .delivered()
        .filter((m) => m.token === `token-${userId}`)
        .map((m) => m.notification?.title),
    ).toEqual(expect.arrayContaining(["We can't update your accounts", "Bank access ends in 7 days"]));
  });

  it("folds notifications past the hourly limit into one summary sent when the hour ends", async () => {
    const userId = "user-burst";
    await seedUser(userId, { maxPerHour: 2 });
    const deps = dispatchDeps(h, fcm, clock);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, i).detail }, deps));
    expect(results.map((r) => r.outcome)).toEqual(["sent", "sent", "folded", "folded", "folded"]);
    clock.now = new Date("2024-03-16T13:00:05Z");
    const pass = await runDeferredPass(deps);
    expect(pass.results.sent).toBe(1);
    const mine = fcm.delivered().filter((m) => m.token === `token-${userId}`);
    expect(mine.map((m) => m.notification?.title)).toEqual(["Large payment: £600.00", "Large payment: £600.01", "3 more alerts"]);
    const history = await h.repos.notifications.listHistory(userId);
    expect(history.filter((n) => n.status === "folded")).toHaveLength(3);
    expect(history.find((n) => n.detailType === "AlertSummary")).toMatchObject({ status: "delivered", foldedCount: 3, title: "3 more alerts" });
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("a dispatcher that died inside the send is taken over after its lease, once, and counted", async () => {
    const userId = "user-crash";
    await seedUser(userId);
    const event = { detailType: "LargeTransactionDetected" as const, detail: large(userId, 99).detail };
    // Prepare: a first dispatcher claims the device, then dies inside the send (it never returns).
    const dying = dispatchDeps(h, fcm, clock, { push: { tokenFetches: 0, send: () => new Promise<never>(() => {}) } });
    void handleAlertEvent(event, dying);
    const id = notificationIdOf(toAlert(event));
    for (let i = 0; i < 100 && !(await h.repos.notifications.getHistory(userId, id))?.claims["push:phone"]; i++) await new Promise((r) => setTimeout(r, 50));
    const crashed = await h.repos.notifications.getHistory(userId, id);
    expect(crashed).toMatchObject({ status: "sending", attempts: [] });
    expect(Object.keys(crashed?.claims ?? {})).toEqual(["push:phone"]);

    // Act: a redelivery of the event, a pass inside the lease, then a pass after it.
    const deps = dispatchDeps(h, fcm, clock);
    const replay = await handleAlertEvent(event, deps);
    const early = await runDeferredPass(deps);
    clock.now = new Date("2024-03-16T12:05:00Z");
    const late = await runDeferredPass(deps);
    const again = await runDeferredPass(deps);

    // Assess
    expect(replay.outcome).toBe("replay");
    expect(early.due).toBe(0);
    expect(late.results.sent).toBe(1);
    expect(again.due).toBe(0);
    expect(fcm.delivered().filter((m) => m.token === `token-${userId}`)).toHaveLength(1);
    expect(await h.repos.notifications.getHistory(userId, id)).toMatchObject({ status: "delivered", reclaimed: 1, claims: { "push:phone": "done" } });
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("a send that failed just before quiet hours is retried when they end, not inside them", async () => {
    // Prepare: quiet hours 11:00–13:00 London (GMT in March); at 10:58 FCM answers 503 to every try.
    const userId = "user-retry-quiet";
    await seedUser(userId, { quietHours: { start: "11:00", end: "13:00", timeZone: "Europe/London" } });
    const deps = dispatchDeps(h, fcm, clock);
    clock.now = new Date("2024-03-16T10:58:00Z");
    fcm.storm({ status: 503, count: 5 });
    const first = await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, 300).detail }, deps);
    const id = first.notificationId;

    // Act: the retry round falls due inside quiet hours, then the pass runs again after they end.
    clock.now = new Date("2024-03-16T11:10:00Z");
    const inQuiet = await runDeferredPass(deps);
    const held = await h.repos.notifications.getHistory(userId, id);
    const sentInQuiet = fcm.delivered().filter((m) => m.token === `token-${userId}`).length;
    clock.now = new Date("2024-03-16T13:00:10Z");
    const after = await runDeferredPass(deps);

    // Assess
    expect(first.outcome).toBe("retry_scheduled");
    expect(inQuiet.results).toMatchObject({ sent: 0, deferred: 1 });
    expect(sentInQuiet).toBe(0);
    expect(held).toMatchObject({ status: "sending", deferredUntil: "2024-03-16T13:00:00.000Z" });
    expect(held?.decisions.at(-1)).toMatchObject({ outcome: "defer", reason: "quiet_hours" });
    expect(after.results.sent).toBe(1);
    expect(fcm.delivered().filter((m) => m.token === `token-${userId}`)).toHaveLength(1);
    expect(await h.repos.notifications.getHistory(userId, id)).toMatchObject({ status: "delivered" });
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("a history item in the due index that no longer parses is logged and skipped; the other deferred notifications are sent", async () => {
    // Prepare: a notification deferred by quiet hours, and in the first due shard an entry its
    // schema refuses (a status no release knows: written by hand, or by a release since rolled back).
    const userId = "user-beside-corrupt";
    await seedUser(userId, { quietHours: { start: "11:00", end: "13:00", timeZone: "Europe/London" } });
    const deps = dispatchDeps(h, fcm, clock);
    const deferred = await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, 400).detail }, deps);
    const badId = Array.from({ length: 64 }, (_, i) => `ntf_corrupt_${i}`).find(
      (id) => gsi4NotificationDue(id, "2024-03-16T11:00:00.000Z").GSI4PK === notificationDuePk(0),
    ) as string;
    await h.stack.aws.doc.send(
      new PutCommand({
        TableName: h.db.tableName,
        Item: {
          ...keys.notificationHistory("user-corrupt", badId),
          ...gsi4NotificationDue(badId, "2024-03-16T11:00:00.000Z"),
          userId: "user-corrupt",
          notificationId: badId,
          detailType: "LargeTransactionDetected",
          title: "Large payment: £600.00",
          body: "£600.00 at Currys.",
          status: "queued",
          deferredUntil: "2024-03-16T11:00:00.000Z",
          createdAt: "2024-03-16T10:00:00.000Z",
          expiresAt: 1_718_530_000,
        },
      }),
    );

    // Act
    clock.now = new Date("2024-03-16T13:00:10Z");
    const pass = await runDeferredPass(deps);

    // Assess
    expect(deferred.outcome).toBe("deferred");
    expect(pass.results.sent).toBe(1);
    expect(fcm.delivered().filter((m) => m.token === `token-${userId}`)).toHaveLength(1);
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("a provider's Retry-After longer than the client waits sets the next round: no pass tries before it", async () => {
    // Prepare: FCM answers 429 with Retry-After: 300 s, longer than the client waits in-process (30 s).
    const userId = "user-retry-after";
    await seedUser(userId);
    const deps = dispatchDeps(h, fcm, clock);
    clock.now = new Date("2024-03-16T12:00:00Z");
    fcm.storm({ status: 429, count: 1, retryAfterSeconds: 300 });
    // Act: passes at +2 min and just after +5 min.
    const first = await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, 500).detail }, deps);
    const waiting = await h.repos.notifications.getHistory(userId, first.notificationId);
    clock.now = new Date("2024-03-16T12:02:00Z");
    const early = await runDeferredPass(deps);
    clock.now = new Date("2024-03-16T12:05:01Z");
    const due = await runDeferredPass(deps);
    // Assess
    expect(first.outcome).toBe("retry_scheduled");
    expect(Date.parse(waiting?.deferredUntil ?? "")).toBeGreaterThanOrEqual(Date.parse("2024-03-16T12:05:00Z"));
    expect(early.results.sent).toBe(0);
    expect(due.results.sent).toBe(1);
    expect(
      fcm
        .requests()
        .filter((r) => r.message?.token === `token-${userId}`)
        .map((r) => r.status),
    ).toEqual([429, 200]);
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("two deferred passes running at once send each released notification once", async () => {
    const userId = "user-two-passes";
    await seedUser(userId, { quietHours: { start: "11:00", end: "13:00", timeZone: "Europe/London" }, maxPerHour: 50 });
    const deps = dispatchDeps(h, fcm, clock);
    for (let i = 0; i < 6; i++) await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, 200 + i).detail }, deps);
    clock.now = new Date("2024-03-16T13:00:10Z");
    const [a, b] = await Promise.all([runDeferredPass(deps), runDeferredPass(deps)]);
    expect(a.results.sent + b.results.sent).toBe(6);
    expect(fcm.delivered().filter((m) => m.token === `token-${userId}`)).toHaveLength(6);
    expect(
      new Set(
        fcm
          .delivered()
          .filter((m) => m.token === `token-${userId}`)
          .map((m) => m.data?.notificationId),
      ).size,
    ).toBe(6);
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });

  it("a deferred notification is decided again when released: alerts switched off overnight are not sent", async () => {
    const userId = "user-changed";
    await seedUser(userId, { quietHours: { start: "11:00", end: "13:00", timeZone: "Europe/London" } });
    const deps = dispatchDeps(h, fcm, clock);
    const first = await handleAlertEvent({ detailType: "LargeTransactionDetected", detail: large(userId, 7).detail }, deps);
    const prefs = await h.repos.notifications.getPreferences(userId);
    await h.repos.notifications.updatePreferences({ ...prefs!, globalEnabled: false }, prefs!.version);
    clock.now = new Date("2024-03-16T13:00:10Z");
    const pass = await runDeferredPass(deps);
    expect([first.outcome, pass.results.suppressed]).toEqual(["deferred", 1]);
    const [entry] = await h.repos.notifications.listHistory(userId);
    expect(entry?.decisions.map((d) => d.reason)).toEqual(["quiet_hours", "global_disabled"]);
    expect(fcm.delivered().filter((m) => m.token === `token-${userId}`)).toHaveLength(0);
    clock.now = new Date("2024-03-16T12:00:00.000Z");
  });
});
