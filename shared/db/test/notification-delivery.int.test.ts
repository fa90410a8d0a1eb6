import { beforeAll, describe, expect, it } from "vitest";
import { NOW } from "../../fixtures/src/entities";
import {
  budgetAlertId,
  CLAIM_DONE,
  type Db,
  notificationHistoryExpiry,
  type Repositories,
  TransactionConditionalCheckFailedError,
  transactWrite,
} from "../src";
import { freshTable } from "./local-table";

let repos: Repositories;
let db: Db;

beforeAll(async () => {
  ({ repos, db } = await freshTable());
});

const entry = (notificationId: string) => ({
  userId: "user-d",
  notificationId,
  detailType: "BudgetThresholdCrossed",
  title: "t",
  body: "b",
  status: "pending" as const,
  createdAt: NOW,
  expiresAt: notificationHistoryExpiry(NOW),
});

describe("notification delivery records on moto", () => {
  it("lets one dispatcher claim a delivery, and a stale claim be taken over and counted", async () => {
    await repos.notifications.recordHistory(entry("n-claim"));
    const first = await repos.notifications.claimDelivery("user-d", "n-claim", "push:dev-1", NOW);
    const second = await repos.notifications.claimDelivery("user-d", "n-claim", "push:dev-1", NOW);
    const other = await repos.notifications.claimDelivery("user-d", "n-claim", "email:email", NOW);
    const takeover = await repos.notifications.claimDelivery("user-d", "n-claim", "push:dev-1", "2024-03-16T13:00:00Z", NOW);
    const lateTakeover = await repos.notifications.claimDelivery("user-d", "n-claim", "push:dev-1", "2024-03-16T14:00:00Z", NOW);
    expect([first, second, other, takeover, lateTakeover]).toEqual([true, false, true, true, false]);
    const stored = await repos.notifications.getHistory("user-d", "n-claim");
    expect(stored?.claims).toEqual({ "push:dev-1": "2024-03-16T13:00:00.000Z", "email:email": NOW });
    expect(stored?.reclaimed).toBe(1);
  });

  it("records an attempt only under the claim it was made for, marking it done or releasing it", async () => {
    await repos.notifications.recordHistory(entry("n-att"));
    await repos.notifications.claimDelivery("user-d", "n-att", "push:dev-1", NOW);
    await repos.notifications.claimDelivery("user-d", "n-att", "email:email", NOW);
    const failed = { channel: "push" as const, target: "dev-1", at: NOW, outcome: "failed" as const, errorCode: "fcm.unavailable" };
    await transactWrite(db.doc, [repos.notifications.txRecordAttempt("user-d", "n-att", "push:dev-1", NOW, failed, { release: true })]);
    await transactWrite(db.doc, [
      repos.notifications.txRecordAttempt("user-d", "n-att", "email:email", NOW, { ...failed, channel: "email", target: "email", outcome: "delivered" }),
    ]);
    const replay = transactWrite(db.doc, [
      repos.notifications.txRecordAttempt("user-d", "n-att", "email:email", NOW, { ...failed, channel: "email", outcome: "delivered" }),
    ]);
    await expect(replay).rejects.toBeInstanceOf(TransactionConditionalCheckFailedError);
    const stored = await repos.notifications.getHistory("user-d", "n-att");
    expect(stored?.claims).toEqual({ "email:email": CLAIM_DONE });
    expect(stored?.attempts.map((a) => [a.channel, a.outcome])).toEqual([
      ["push", "failed"],
      ["email", "delivered"],
    ]);
  });

  it("appends attempts and moves a deferred entry in and out of the due index", async () => {
    await repos.notifications.recordHistory(entry("n-due"));
    await repos.notifications.appendAttempts("user-d", "n-due", [
      { channel: "push", target: "dev-1", at: NOW, outcome: "failed", errorCode: "fcm.unavailable" },
    ]);
    await repos.notifications.appendAttempts("user-d", "n-due", [{ channel: "email", target: "email", at: NOW, outcome: "delivered" }]);
    const deferred = await repos.notifications.setStatus("user-d", "n-due", {
      status: "deferred",
      deferredUntil: "2024-03-02T07:00:00Z",
      decision: { at: NOW, outcome: "defer", reason: "quiet_hours", until: "2024-03-02T07:00:00Z" },
    });
    const dueBefore = await allDue("2024-03-02T06:59:59Z");
    const dueAt = await allDue("2024-03-02T07:00:00Z");
    const wrongExpectation = await repos.notifications.setStatus("user-d", "n-due", { status: "delivered", expectStatus: "pending" });
    const sent = await repos.notifications.setStatus("user-d", "n-due", {
      status: "delivered",
      expectStatus: "deferred",
      deliveredAt: "2024-03-02T07:00:01Z",
      decision: { at: "2024-03-02T07:00:01Z", outcome: "send", reason: "quiet_hours_ended" },
    });
    expect([deferred, wrongExpectation, sent]).toEqual([true, false, true]);
    expect(dueBefore).toEqual([]);
    expect(dueAt).toEqual([{ userId: "user-d", notificationId: "n-due", deferredUntil: "2024-03-02T07:00:00.000Z" }]);
    expect(await allDue("2024-03-03T00:00:00Z")).toEqual([]);
    const stored = await repos.notifications.getHistory("user-d", "n-due");
    expect(stored?.attempts.map((a) => a.outcome)).toEqual(["failed", "delivered"]);
    expect(stored?.decisions.map((d) => d.reason)).toEqual(["quiet_hours", "quiet_hours_ended"]);
    expect(stored).toMatchObject({ status: "delivered", reason: "quiet_hours_ended", deliveredAt: "2024-03-02T07:00:01.000Z" });
  });

  it("keeps token counters and invalidates a token with its reason", async () => {
    const token = {
      userId: "user-d",
      tokenId: "dev-9",
      platform: "android" as const,
      provider: "fcm" as const,
      token: "fcm-9",
      createdAt: NOW,
      updatedAt: NOW,
    };
    await repos.notifications.putToken(token);
    await repos.notifications.countTokenDelivery("user-d", "dev-9", true, NOW);
    await repos.notifications.countTokenDelivery("user-d", "dev-9", false, "2024-03-01T12:05:00Z");
    await repos.notifications.invalidateToken("user-d", "dev-9", "UNREGISTERED", "2024-03-01T12:05:00Z");
    expect(await repos.notifications.countTokenDelivery("user-d", "missing", true, NOW)).toBe(false);
    const [stored] = await repos.notifications.listTokens("user-d");
    expect(stored).toMatchObject({
      enabled: false,
      invalidReason: "UNREGISTERED",
      totalNotificationsSent: 2,
      successfulDeliveries: 1,
      failedDeliveries: 1,
      lastUsedAt: "2024-03-01T12:05:00.000Z",
    });
  });

  it("counts notifications per rate-limit window and marks a budget alert triggered", async () => {
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push(await repos.notifications.countInWindow("user-d", "2024-03-01T12:00:00Z"));
    counts.push(await repos.notifications.countInWindow("user-d", "2024-03-01T13:00:00Z"));
    expect(counts).toEqual([1, 2, 3, 1]);

    const alertId = budgetAlertId("b1", "2024-03-01T00:00:00Z", 80);
    const base = { userId: "user-d", alertId, budgetId: "b1", category: "groceries", periodStart: "2024-03-01T00:00:00Z", threshold: 80 };
    await repos.budgetAlerts.recordOnce({ ...base, spentMinor: 24000, limitMinor: 30000, currency: "GBP", createdAt: NOW });
    expect(await repos.budgetAlerts.markOutcome("user-d", alertId, "dispatched", "2024-03-01T12:30:00Z")).toBe(true);
    expect(await repos.budgetAlerts.markOutcome("user-d", "nope", "dispatched", NOW)).toBe(false);
    expect(await repos.budgetAlerts.get("user-d", alertId)).toMatchObject({ status: "dispatched", triggerCount: 1, lastTriggered: "2024-03-01T12:30:00.000Z" });
  });
});

async function allDue(now: string) {
  const due = [];
  for (let shard = 0; shard < repos.notifications.dueShards; shard++) due.push(...(await repos.notifications.listDue(shard, now)).items);
  return due;
}
