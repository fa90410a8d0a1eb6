import type { DueConnection } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { backoffMs, consentWarningDue, DEFAULT_POLICY, decide } from "../src/plan";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const DAY = 86_400_000;

function due(schedule: Partial<DueConnection["schedule"]> = {}, nextSyncAt = "2026-11-20T11:59:00.000Z"): DueConnection {
  return {
    userId: "u1",
    connectionId: "c1",
    nextSyncAt,
    shard: 0,
    schedule: {
      userId: "u1",
      connectionId: "c1",
      providerId: "mock",
      status: "active",
      tokenExpiresAt: "2026-11-20T13:00:00.000Z",
      consentExpiresAt: "2027-01-20T00:00:00.000Z",
      version: 3,
      nextSyncAt,
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-20T06:00:00.000Z",
      ...schedule,
    },
  };
}

describe("decide", () => {
  it("queues a due connection, claiming it for the claim period", () => {
    const d = decide(due(), NOW);
    expect(d).toEqual({ action: "enqueue", claimUntil: new Date(NOW.getTime() + DEFAULT_POLICY.claimSeconds * 1000), stuck: false, staleLease: false });
  });

  it("defers to tomorrow once the day's 4 unattended refreshes are spent", () => {
    const d = decide(due({ unattendedRefreshes: { day: "2026-11-20", count: 4 } }), NOW, DEFAULT_POLICY, () => 0);
    expect(d).toEqual({ action: "defer", until: new Date("2026-11-21T00:00:00.000Z"), why: "psd2_limit" });
  });

  it("does not count yesterday's refreshes against today", () => {
    expect(decide(due({ unattendedRefreshes: { day: "2026-11-19", count: 4 } }), NOW).action).toBe("enqueue");
  });

  it("backs off exponentially after consecutive failures, counted from the last attempt", () => {
    const failing = (n: number, minutesAgo: number) =>
      decide(
        due({ syncStats: { totalSyncs: 9, consecutiveFailures: n }, updatedAt: new Date(NOW.getTime() - minutesAgo * 60_000).toISOString() }),
        NOW,
        DEFAULT_POLICY,
        () => 0,
      );
    expect(failing(1, 20).action).toBe("enqueue");
    expect(failing(3, 20)).toEqual({ action: "defer", until: new Date(NOW.getTime() + 40 * 60_000), why: "backoff" });
    expect(backoffMs(1)).toBe(15 * 60_000);
    expect(backoffMs(4)).toBe(120 * 60_000);
    expect(backoffMs(30)).toBe(24 * 3_600_000);
  });

  it("leaves a connection whose lease is live to the sync that holds it", () => {
    expect(decide(due({ leaseUntil: "2026-11-20T12:03:00.000Z" }), NOW)).toEqual({ action: "skip", why: "lease_held" });
  });

  it("reports a connection due for over a day as stuck and a long-expired lease as stale, and queues both", () => {
    const d = decide(due({ leaseUntil: "2026-11-20T10:00:00.000Z" }, "2026-11-18T12:00:00.000Z"), NOW);
    expect(d).toMatchObject({ action: "enqueue", stuck: true, staleLease: true });
  });
});

describe("consentWarningDue", () => {
  const expiringIn = (ms: number, sent?: ("7d" | "1d")[], forConsent?: string) => {
    const consentExpiresAt = new Date(NOW.getTime() + ms).toISOString();
    return due({ consentExpiresAt, ...(sent ? { consentWarnings: { consentExpiresAt: forConsent ?? consentExpiresAt, sent } } : {}) });
  };

  it("warns 7 days ahead, then 1 day ahead, once each", () => {
    expect(consentWarningDue(expiringIn(8 * DAY), NOW)).toBeUndefined();
    expect(consentWarningDue(expiringIn(6 * DAY), NOW)).toBe("7d");
    expect(consentWarningDue(expiringIn(6 * DAY, ["7d"]), NOW)).toBeUndefined();
    expect(consentWarningDue(expiringIn(DAY / 2, ["7d"]), NOW)).toBe("1d");
    expect(consentWarningDue(expiringIn(DAY / 2, ["7d", "1d"]), NOW)).toBeUndefined();
  });

  it("starts over for a new consent, and says nothing once the consent has expired", () => {
    expect(consentWarningDue(expiringIn(6 * DAY, ["7d", "1d"], "2026-08-01T00:00:00.000Z"), NOW)).toBe("7d");
    expect(consentWarningDue(expiringIn(-1000), NOW)).toBeUndefined();
  });
});
