import { describe, expect, it } from "vitest";
import { batchBounds, historySlices, PAIR_MARGIN_DAYS, SLICE_DAYS } from "../src/history";

const DAY = 86_400_000;

describe("historySlices", () => {
  it("keeps a window of up to one slice whole", () => {
    const window = { from: "2026-08-22T12:00:00.000Z", to: "2026-11-20T12:00:00.000Z" };
    expect(historySlices(window)).toEqual([window]);
  });

  it("cuts five years into contiguous slices of 180 days, oldest first, inner boundaries at midnight", () => {
    // Prepare
    const window = { from: "2021-11-06T12:00:00.000Z", to: "2026-11-20T12:00:00.000Z" };
    // Act
    const slices = historySlices(window);
    // Assess
    expect(slices).toHaveLength(11);
    expect(slices[0]?.from).toBe(window.from);
    expect(slices.at(-1)?.to).toBe(window.to);
    for (let i = 1; i < slices.length; i++) {
      expect(slices[i]?.from).toBe(slices[i - 1]?.to);
      expect(slices[i]?.from.endsWith("T00:00:00.000Z")).toBe(true);
    }
    for (const s of slices) expect(Date.parse(s.to) - Date.parse(s.from)).toBeLessThanOrEqual(SLICE_DAYS * DAY);
  });
});

describe("batchBounds", () => {
  it("writes every time exactly once, each with a margin of context on both sides inside its batch", () => {
    // Prepare
    const slices = historySlices({ from: "2025-01-01T00:00:00.000Z", to: "2026-11-20T12:00:00.000Z" });
    const bounds = slices.map((_, i) => batchBounds(slices, i));
    const margin = PAIR_MARGIN_DAYS * DAY;
    // Assess: the write ranges tile the time line
    expect(bounds[0]?.writeFrom).toBe(Number.NEGATIVE_INFINITY);
    expect(bounds.at(-1)?.writeTo).toBe(Number.POSITIVE_INFINITY);
    for (let i = 1; i < bounds.length; i++) expect(bounds[i]?.writeFrom).toBe(bounds[i - 1]?.writeTo);
    for (let i = 0; i < slices.length; i++) {
      const b = bounds[i]!;
      // What a batch sees reaches a margin before what it writes (kept by the previous batch) ...
      if (i > 0) expect(b.contextFrom).toBe(b.writeFrom - margin);
      if (i > 0) expect(bounds[i - 1]?.keepFrom).toBe(b.contextFrom);
      // ... and its own slice reaches a margin past what it writes (held back for the next).
      if (i < slices.length - 1) expect(Date.parse(slices[i + 1]!.from) - b.writeTo).toBe(margin);
    }
  });
});
