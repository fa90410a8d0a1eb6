import { DeferMessage } from "@expenzez/runtime";
import { describe, expect, it } from "vitest";
import { coveredByCompletedSync, leaseHeld } from "../src/contention";
import { LeaseHeldError } from "../src/errors";

describe("coveredByCompletedSync", () => {
  const job = { requestedAt: "2026-11-20T12:00:00.000Z" };

  it("is true when the last completed sync started at or after the job was requested", () => {
    expect(coveredByCompletedSync({ lastSyncAt: "2026-11-20T12:00:00.000Z" }, job)).toBe(true);
    expect(coveredByCompletedSync({ lastSyncAt: "2026-11-20T12:00:05.000Z" }, job)).toBe(true);
  });

  it("is false for an async results job however late the last sync: it stores history no sync reads", () => {
    const results = {
      uri: "https://api.truelayer.com/data/v1/results/t1",
      taskId: "t1",
      requestUri: "https://api.truelayer.com/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-02-01",
      status: "Succeeded" as const,
    };
    expect(coveredByCompletedSync({ lastSyncAt: "2026-11-20T13:00:00.000Z" }, { ...job, results })).toBe(false);
  });

  it("is false for a sync that started before the request, for a connection never synced, and for any backfill", () => {
    expect(coveredByCompletedSync({ lastSyncAt: "2026-11-20T11:59:59.999Z" }, job)).toBe(false);
    expect(coveredByCompletedSync({}, job)).toBe(false);
    expect(coveredByCompletedSync({ lastSyncAt: "2026-11-20T13:00:00.000Z" }, { ...job, backfillFrom: "2026-06-01" })).toBe(false);
  });
});

describe("leaseHeld", () => {
  const at = (deferrals: number, remainingSeconds = 10_000) => leaseHeld("c1", { remainingSeconds, deferrals, retrySeconds: 15, random: () => 1 }).delaySeconds;

  it("is a deferral (no receive spent) with the sync.lease_held code", () => {
    const err = leaseHeld("c1", { remainingSeconds: 100, deferrals: 0, retrySeconds: 15, random: () => 0.5 });
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect(err).toBeInstanceOf(DeferMessage);
    expect(err.code).toBe("sync.lease_held");
  });

  it("waits soon at first, doubling with each deferral, never past the holder's remaining lease, at least 1 s", () => {
    expect([0, 1, 2, 3, 4].map((n) => at(n))).toEqual([15, 30, 60, 120, 240]);
    expect(at(3, 45)).toBe(45);
    expect(at(0, -5)).toBe(1);
    // Jitter: half the backoff at the least.
    expect(leaseHeld("c1", { remainingSeconds: 1000, deferrals: 1, retrySeconds: 15, random: () => 0 }).delaySeconds).toBe(15);
  });
});
