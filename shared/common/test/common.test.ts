import { describe, expect, it } from "vitest";
import { ExpenzezError, exponentialCeiling, fullJitterDelay, isPermanentError, utcDay } from "../src/index";

describe("exponentialCeiling", () => {
  it("starts at the base on the first attempt and doubles each attempt after, up to the cap", () => {
    expect([0, 1, 2, 3, 4, 40].map((attempt) => exponentialCeiling(attempt, { base: 15, cap: 60 }))).toEqual([15, 15, 30, 60, 60, 60]);
  });
});

describe("fullJitterDelay", () => {
  it("waits a random share of an exponentially growing ceiling", () => {
    expect(fullJitterDelay(1, { base: 100, cap: 10_000 }, () => 0.5)).toBe(50);
    expect(fullJitterDelay(3, { base: 100, cap: 10_000 }, () => 0.5)).toBe(200);
  });

  it("never waits past the cap, however many attempts", () => {
    expect(fullJitterDelay(60, { base: 100, cap: 2_000 }, () => 0.999)).toBe(1998);
  });

  it("waits nothing when the draw is zero (full jitter spreads retries down to 0)", () => {
    expect(fullJitterDelay(5, { base: 100, cap: 2_000 }, () => 0)).toBe(0);
  });
});

describe("ExpenzezError", () => {
  it("is retryable unless it says otherwise, and carries its code, cause and wait", () => {
    const cause = new Error("socket hang up");
    const transient = new ExpenzezError("x.transient", "try again", { cause, retryAfterSeconds: 30 });
    const permanent = new ExpenzezError("x.invalid", "never", { retryable: false });
    expect([transient.retryable, transient.retryAfterSeconds, transient.cause, transient.code]).toEqual([true, 30, cause, "x.transient"]);
    expect(isPermanentError(permanent)).toBe(true);
    expect(isPermanentError(transient)).toBe(false);
    expect(isPermanentError(new Error("plain"))).toBe(false);
  });

  it("names itself after its subclass", () => {
    class LeaseHeld extends ExpenzezError {}
    expect(new LeaseHeld("sync.lease_held", "held").name).toBe("LeaseHeld");
  });
});

describe("utcDay", () => {
  it("is the UTC date, whatever the host's time zone", () => {
    expect(utcDay(new Date("2026-03-29T00:30:00+01:00"))).toBe("2026-03-28");
  });
});
