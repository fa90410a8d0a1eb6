import { amountTolerance } from "./bands";
import type { AmountKind, PriceChange } from "./types";

export interface AmountSummary {
  kind: AmountKind;
  averageMinor: number;
  lastMinor: number;
  usualMinor: number;
  toleranceMinor: number;
  priceChange?: Omit<PriceChange, "transactionId" | "date"> & { index: number };
}

/** Varying bills: a payment within a quarter of the usual one (at least £2) is still ordinary. */
const VARYING_TOLERANCE = { ratio: 0.25, minMinor: 200 } as const;

/**
 * What a stream's amounts say: one price, a price that changed (and from what to what), or a
 * bill that varies. Amounts are positive pence in time order.
 */
export function summariseAmounts(amounts: readonly number[]): AmountSummary {
  const lastMinor = amounts[amounts.length - 1]!;
  const averageMinor = Math.round(amounts.reduce((s, a) => s + a, 0) / amounts.length);
  const segments = segmentsOf(amounts);
  const allMedian = median(amounts);
  if (amounts.every((a) => Math.abs(a - allMedian) <= amountTolerance(allMedian))) {
    return { kind: "fixed", averageMinor, lastMinor, usualMinor: allMedian, toleranceMinor: amountTolerance(allMedian) };
  }
  const last = segments[segments.length - 1]!;
  const previous = segments[segments.length - 2];
  // A change is one settled price followed by another; a bill that moves every time is not.
  // Two settled prices (or one payment at the old price, then a settled new one) is a change.
  const settled = previous !== undefined && (previous.values.length >= 2 || (segments.length === 2 && last.values.length >= 2));
  if (previous !== undefined && settled && segments.length <= 3) {
    const usualMinor = median(last.values);
    return {
      kind: "changed",
      averageMinor,
      lastMinor,
      usualMinor,
      toleranceMinor: amountTolerance(usualMinor),
      priceChange: { previousAmountMinor: median(previous.values), newAmountMinor: usualMinor, index: last.start },
    };
  }
  return {
    kind: "varying",
    averageMinor,
    lastMinor,
    usualMinor: allMedian,
    toleranceMinor: Math.max(Math.round(allMedian * VARYING_TOLERANCE.ratio), VARYING_TOLERANCE.minMinor),
  };
}

function segmentsOf(amounts: readonly number[]): { start: number; values: number[] }[] {
  const segments: { start: number; values: number[] }[] = [];
  amounts.forEach((a, i) => {
    const current = segments[segments.length - 1];
    if (current !== undefined && Math.abs(a - current.values[0]!) <= amountTolerance(current.values[0]!)) current.values.push(a);
    else segments.push({ start: i, values: [a] });
  });
  return segments;
}

/** Median, rounded to whole pence. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}
