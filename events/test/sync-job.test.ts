import { describe, expect, it } from "vitest";
import { isAttended, parseSyncJob } from "../src/index";

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

describe("isAttended", () => {
  it("only refresh_now with the user's IP is attended", () => {
    const base = { ...valid, reason: "refresh_now" as const };
    expect(isAttended({ ...base, psuIp: "203.0.113.9" })).toBe(true);
    expect(isAttended(base)).toBe(false);
    expect(isAttended({ ...valid, reason: "scheduled" as const, psuIp: "203.0.113.9" })).toBe(false);
  });
});
