import { describe, expect, it } from "vitest";
import { ASK_USER_BELOW, confidenceBand } from "../src/index";

describe("confidence bands", () => {
  it.each([
    [0.99, "very_high", false],
    [0.981, "very_high", false],
    [0.98, "high", false],
    [0.91, "high", false],
    [0.9, "medium", false],
    [0.7, "medium", false],
    [0.69, "low", true],
    [0.05, "low", true],
    [Number.NaN, "low", true],
  ])("%f is %s (ask the user: %s)", (confidence, band, askUser) => {
    expect(confidenceBand(confidence)).toEqual({ band, askUser });
  });

  it("asks the user below 0.7", () => {
    expect(ASK_USER_BELOW).toBe(0.7);
  });
});
