import { notificationHistorySchema, userBudgetSchema } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { toAlert } from "../src/alert";
import { supersedingThreshold, type UserContext } from "../src/context";
import { fcmMessageOf, targetsOf } from "../src/deliver";
import { notificationIdOf, rateWindow } from "../src/dispatch";
import { budgetEvent, largeTransaction, NOW, prefs, profile } from "./fixtures";

const budget = (spentMinor: number, start = "2024-03-01T00:00:00Z", end = "2024-04-01T00:00:00Z") =>
  userBudgetSchema.parse({
    userId: "user-a",
    budgetId: "b-groceries",
    category: "groceries",
    period: "monthly",
    currency: "GBP",
    limitMinor: 30_000,
    spentMinor,
    currentPeriod: { start, end },
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  });

const ctx = (over: Partial<UserContext> = {}): UserContext => ({
  preferences: prefs(),
  profile: profile(),
  tokens: [],
  timeZone: "Europe/London",
  budgetTimeZone: "Europe/London",
  locale: "en-GB",
  currency: "GBP",
  ...over,
});

describe("dispatcher pieces", () => {
  it("one alert, one id: the same budget threshold from two different events is one notification", () => {
    const a = toAlert(budgetEvent(80));
    const b = toAlert(budgetEvent(80));
    expect(a.sourceEventId).not.toBe(b.sourceEventId);
    expect(notificationIdOf(a)).toBe(notificationIdOf(b));
    expect(notificationIdOf(toAlert(budgetEvent(100)))).not.toBe(notificationIdOf(a));
    expect(notificationIdOf(toAlert(largeTransaction(-1)))).not.toBe(notificationIdOf(toAlert(largeTransaction(-1))));
  });

  it("a threshold is superseded by the highest higher one that spending passed and the options would send, in the same period only", () => {
    const eighty = toAlert(budgetEvent(80));
    expect(supersedingThreshold(eighty, ctx({ budget: budget(31_000) }))).toBe(100);
    expect(supersedingThreshold(eighty, ctx({ budget: budget(25_000) }))).toBeUndefined();
    expect(
      supersedingThreshold(eighty, ctx({ budget: budget(31_000), preferences: prefs({ categories: { budgets: { exceededAlert: false } } }) })),
    ).toBeUndefined();
    expect(supersedingThreshold(eighty, ctx({ budget: budget(31_000, "2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z") }))).toBeUndefined();
    expect(supersedingThreshold(toAlert(budgetEvent(100)), ctx({ budget: budget(31_000) }))).toBeUndefined();
  });

  it("rate-limit windows are UTC clock hours", () => {
    expect(rateWindow(new Date("2024-03-16T12:59:59.999Z"))).toEqual({ start: "2024-03-16T12:00:00.000Z", end: "2024-03-16T13:00:00.000Z" });
  });

  it("targets every active device and the address only when verified; the FCM message collapses on the notification id", () => {
    const token = {
      userId: "user-a",
      tokenId: "t1",
      platform: "ios" as const,
      provider: "fcm" as const,
      token: "tok-1",
      enabled: true,
      totalNotificationsSent: 0,
      successfulDeliveries: 0,
      failedDeliveries: 0,
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    };
    expect(targetsOf(["push", "email"], ctx({ tokens: [token, { ...token, tokenId: "t2" }] })).map((t) => `${t.channel}:${t.target}`)).toEqual([
      "push:t1",
      "push:t2",
      "email:email",
    ]);
    expect(targetsOf(["email"], ctx({ profile: profile({ emailVerified: false }) }))).toEqual([]);
    const entry = notificationHistorySchema.parse({
      userId: "user-a",
      notificationId: "ntf_abc",
      detailType: "BudgetThresholdCrossed",
      title: "T",
      body: "B",
      status: "sending",
      data: { k: "v" },
      createdAt: NOW.toISOString(),
      expiresAt: 1,
    });
    expect(fcmMessageOf(entry, "tok-1", "critical")).toEqual({
      token: "tok-1",
      notification: { title: "T", body: "B" },
      data: { k: "v", notificationId: "ntf_abc" },
      android: { priority: "HIGH", collapse_key: "ntf_abc", ttl: "86400s" },
      apns: { headers: { "apns-priority": "10", "apns-collapse-id": "ntf_abc" } },
    });
    expect(fcmMessageOf(entry, "tok-1", "normal").android?.priority).toBe("NORMAL");
  });
});
