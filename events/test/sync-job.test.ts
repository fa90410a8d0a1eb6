import { describe, expect, it } from "vitest";
import { countsAsUnattended, isAttended, jobCorrelationId, parseSyncJob } from "../src/index";

const valid = { jobId: "j1", userId: "u1", connectionId: "c1", reason: "scheduled", requestedAt: "2026-11-25T10:00:00Z" };

describe("parseSyncJob", () => {
  it("accepts a scheduled job", () => {
    const result = parseSyncJob(JSON.stringify(valid));
    expect(result).toEqual({ ok: true, job: valid });
  });

  it("names what is wrong", () => {
    expect(parseSyncJob("not json")).toEqual({ ok: false, reason: "body is not JSON" });
    const result = parseSyncJob(JSON.stringify({ ...valid, reason: "whenever", connectionId: "" }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain("reason");
      expect(result.reason).toContain("connectionId");
    }
  });

  it("refuses a psuIp that is not an IP address", () => {
    expect(parseSyncJob(JSON.stringify({ ...valid, reason: "refresh_now", psuIp: "me" })).ok).toBe(false);
  });
});

describe("SyncJob v2 (async results)", () => {
  const results = {
    uri: "https://api.truelayer.com/data/v1/results/t1",
    taskId: "t1",
    requestUri: "https://api.truelayer.com/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-06-01",
    status: "Succeeded",
  };

  it("accepts a results job as version 2, and a v1 job with or without its version", () => {
    expect(parseSyncJob(JSON.stringify({ ...valid, reason: "webhook", version: 2, results }))).toEqual({
      ok: true,
      job: { ...valid, reason: "webhook", version: 2, results },
    });
    expect(parseSyncJob(JSON.stringify({ ...valid, version: 1 })).ok).toBe(true);
    expect(parseSyncJob(JSON.stringify(valid)).ok).toBe(true);
  });

  it("refuses results on a job that does not say version 2, and a version it does not know", () => {
    const unversioned = parseSyncJob(JSON.stringify({ ...valid, reason: "webhook", results }));
    expect(unversioned).toEqual({ ok: false, reason: expect.stringContaining("version 2") });
    expect(parseSyncJob(JSON.stringify({ ...valid, version: 3 })).ok).toBe(false);
    expect(parseSyncJob(JSON.stringify({ ...valid, version: 2, results: { ...results, uri: "ftp://x/y" } })).ok).toBe(false);
    expect(parseSyncJob(JSON.stringify({ ...valid, version: 2, results: { ...results, status: "Queued" } })).ok).toBe(false);
  });
});

describe("isAttended", () => {
  it("only refresh_now or backfill with the user's IP is attended", () => {
    const base = { ...valid, reason: "refresh_now" as const };
    expect(isAttended({ ...base, psuIp: "203.0.113.9" })).toBe(true);
    expect(isAttended(base)).toBe(false);
    expect(isAttended({ ...valid, reason: "scheduled" as const, psuIp: "203.0.113.9" })).toBe(false);
    expect(isAttended({ ...valid, reason: "backfill" as const, psuIp: "203.0.113.9" })).toBe(true);
  });
});

describe("countsAsUnattended", () => {
  it("counts scheduled and backfill runs without the user, never a refresh or a webhook", () => {
    expect(countsAsUnattended({ reason: "scheduled" })).toBe(true);
    expect(countsAsUnattended({ reason: "backfill" })).toBe(true);
    expect(countsAsUnattended({ reason: "backfill", psuIp: "203.0.113.9" })).toBe(false);
    expect(countsAsUnattended({ reason: "refresh_now" })).toBe(false);
    expect(countsAsUnattended({ reason: "webhook" })).toBe(false);
  });

  it("a backfill job carries its oldest day, and refuses one that is not a date", () => {
    expect(parseSyncJob(JSON.stringify({ ...valid, reason: "backfill", backfillFrom: "2026-09-01" }))).toMatchObject({
      ok: true,
      job: { backfillFrom: "2026-09-01" },
    });
    expect(parseSyncJob(JSON.stringify({ ...valid, reason: "backfill", backfillFrom: "last summer" })).ok).toBe(false);
  });
});

describe("jobCorrelationId", () => {
  it("is the producer's correlation id, or the job's own id when it was sent without one", () => {
    expect(jobCorrelationId({ jobId: "j-1", correlationId: "req-9" })).toBe("req-9");
    expect(jobCorrelationId({ jobId: "j-1" })).toBe("j-1");
  });
});
