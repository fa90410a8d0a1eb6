import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { NOW } from "../../fixtures/src/entities";
import { budgetAlertId, ConditionalCheckFailedError, type Db, keys, notificationHistoryExpiry, type Repositories, VersionConflictError } from "../src";
import { freshTable } from "./local-table";

let db: Db;
let repos: Repositories;

beforeAll(async () => {
  ({ db, repos } = await freshTable());
});

describe("budget alerts, notifications and recurring streams on moto", () => {
  it("records a budget alert once per budget, period and threshold", async () => {
    // Prepare
    const alert = {
      userId: "user-n",
      alertId: budgetAlertId("b1", "2024-03-01T00:00:00Z", 80),
      budgetId: "b1",
      category: "groceries",
      periodStart: "2024-03-01T00:00:00Z",
      threshold: 80,
      spentMinor: 24000,
      limitMinor: 30000,
      currency: "GBP",
      createdAt: NOW,
    };
    // Act
    const first = await repos.budgetAlerts.recordOnce(alert);
    const replay = await repos.budgetAlerts.recordOnce({ ...alert, spentMinor: 25000 });
    const next = await repos.budgetAlerts.recordOnce({ ...alert, alertId: budgetAlertId("b1", "2024-03-01T00:00:00Z", 100), threshold: 100 });
    // Assess
    expect([first, replay, next]).toEqual([true, false, true]);
    expect((await repos.budgetAlerts.get("user-n", alert.alertId))?.spentMinor).toBe(24000);
    expect((await repos.budgetAlerts.listByUser("user-n")).items).toHaveLength(2);
  });

  it("stores history with its TTL attribute and refuses a second record of the same notification", async () => {
    const entry = {
      userId: "user-n",
      notificationId: "n-1",
      detailType: "BudgetThresholdCrossed",
      title: "80% of groceries",
      body: "£240.00 of £300.00",
      status: "pending" as const,
      createdAt: NOW,
      expiresAt: notificationHistoryExpiry(NOW),
    };
    await repos.notifications.recordHistory(entry);
    await expect(repos.notifications.recordHistory(entry)).rejects.toBeInstanceOf(ConditionalCheckFailedError);
    await repos.notifications.saveHistory({ ...entry, status: "delivered", attempts: [{ channel: "push", at: NOW, outcome: "delivered" }] });
    const raw = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.notificationHistory("user-n", "n-1") }))).Item;
    expect(raw?.TTL).toBe(Math.floor(Date.parse(NOW) / 1000) + 90 * 86_400);
    expect((await repos.notifications.getHistory("user-n", "n-1"))?.attempts).toHaveLength(1);
  });

  it("keeps preferences versioned and tokens as upserts", async () => {
    const prefs = await repos.notifications.createPreferences({
      userId: "user-n",
      quietHours: { start: "22:00", end: "07:00", timeZone: "Europe/London" },
      updatedAt: NOW,
    });
    await repos.notifications.updatePreferences({ ...prefs, globalEnabled: false }, prefs.version);
    await expect(repos.notifications.updatePreferences({ ...prefs, globalEnabled: true }, prefs.version)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await repos.notifications.getPreferences("user-n")).toMatchObject({ globalEnabled: false, version: 2 });

    const token = {
      userId: "user-n",
      tokenId: "dev-1",
      platform: "ios" as const,
      provider: "apns" as const,
      token: "apns-abc",
      createdAt: NOW,
      updatedAt: NOW,
    };
    await repos.notifications.putToken(token);
    await repos.notifications.putToken({ ...token, token: "apns-def" });
    await repos.notifications.putToken({ ...token, tokenId: "dev-2", platform: "android", provider: "fcm", token: "fcm-1" });
    expect((await repos.notifications.listTokens("user-n")).map((t) => t.token)).toEqual(["apns-def", "fcm-1"]);
    await repos.notifications.deleteToken("user-n", "dev-2");
    expect(await repos.notifications.listTokens("user-n")).toHaveLength(1);
  });

  it("stores recurring streams with optimistic locking", async () => {
    const stream = await repos.recurring.putNew({
      userId: "user-n",
      streamId: "s-netflix",
      merchant: "NETFLIX.COM",
      normalisedMerchant: "netflix",
      frequency: "monthly",
      currency: "GBP",
      averageAmountMinor: -1099,
      lastAmountMinor: -1099,
      firstSeenAt: "2023-01-05T00:00:00Z",
      lastSeenAt: "2024-03-05T00:00:00Z",
      nextExpectedAt: "2024-04-05T00:00:00Z",
      status: "active",
      occurrences: 15,
      createdAt: NOW,
      updatedAt: NOW,
    });
    const changed = await repos.recurring.updateVersioned({ ...stream, lastAmountMinor: -1299 }, stream.version);
    expect(changed.version).toBe(2);
    expect((await repos.recurring.listAllByUser("user-n")).map((s) => s.lastAmountMinor)).toEqual([-1299]);
  });
});
