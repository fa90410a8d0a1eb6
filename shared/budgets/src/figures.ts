/** The figures a budget shows, all following from `spentMinor` exactly. */
export interface BudgetFigures {
  spentMinor: number;
  /** `limit − spent`; negative when overspent. */
  remainingMinor: number;
  /** Of the limit, floored to 2 decimals, so 99.999% never shows as 100%. */
  percentage: number;
  status: "active" | "exceeded";
}

/**
 * @example figuresOf(25_050, 30_000) // { spentMinor: 25050, remainingMinor: 4950, percentage: 83.5, status: "active" }
 */
export function figuresOf(spentMinor: number, limitMinor: number): BudgetFigures {
  return {
    spentMinor,
    remainingMinor: limitMinor - spentMinor,
    percentage: Math.floor((spentMinor * 10_000) / limitMinor) / 100,
    status: spentMinor > limitMinor ? "exceeded" : "active",
  };
}

/** A threshold (percent of the limit) is reached when spent × 100 ≥ threshold × limit: integers, no rounding. */
export function reached(thresholdPercent: number, spentMinor: number, limitMinor: number): boolean {
  return spentMinor * 100 >= thresholdPercent * limitMinor;
}

/**
 * Thresholds reached now that were not announced yet in this period, lowest first. Once
 * announced a threshold stays announced for the period: a refund below it does not re-arm it.
 *
 * @example newlyCrossed([50, 80, 100], [50], 31_000, 30_000) // [80, 100]
 */
export function newlyCrossed(thresholds: readonly number[], alreadyAlerted: readonly number[], spentMinor: number, limitMinor: number): number[] {
  const done = new Set(alreadyAlerted);
  return [...new Set(thresholds)].filter((t) => !done.has(t) && reached(t, spentMinor, limitMinor)).sort((a, b) => a - b);
}
