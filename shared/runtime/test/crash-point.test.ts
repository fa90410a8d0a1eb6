import { describe, expect, it } from "vitest";
import { crashPoint, parseCrashPoints } from "../src/crash-point";

describe("crash points", () => {
  it("reads named points with their probability and ignores malformed entries", () => {
    expect([...parseCrashPoints("before-relay:0.05, other:2,broken,zero:0,nan:x")]).toEqual([
      ["before-relay", 0.05],
      ["other", 1],
    ]);
  });

  it("is off when the variable is unset: the process lives through any roll", () => {
    expect(parseCrashPoints(undefined).size).toBe(0);
    // This test process has no EXPENZEZ_CRASH_POINTS: a roll of 0 would kill it if it were on.
    expect(() => crashPoint("before-relay", () => 0)).not.toThrow();
  });
});
