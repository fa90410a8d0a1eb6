import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter } from "../src/retry";

describe("backoff", () => {
  it("uses full jitter under an exponential cap", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelayMs(0, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(400);
    expect(backoffDelayMs(10, policy, () => 0.5)).toBe(500);
    expect(backoffDelayMs(10, policy, () => 0)).toBe(0);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = new Date("2025-06-01T12:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Sun, 01 Jun 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('ignores values that are neither delta-seconds nor an HTTP date (Date.parse reads "1.5" as 2001)', () => {
    const now = new Date("2025-06-01T12:00:00Z");
    for (const odd of ["1.5", "-1", "0.5", "2x", "2025-06-01"]) expect(parseRetryAfter(odd, now), odd).toBeUndefined();
    expect(parseRetryAfter("2", now)).toBe(2000);
    // RFC 9110's obsolete forms are still HTTP dates.
    expect(parseRetryAfter("Sunday, 01-Jun-25 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Sun Jun  1 12:00:20 2025", now)).toBe(20_000);
  });
});
