import type { BudgetHistoryEntry, BudgetPerformance, BudgetPeriodKind, BudgetRecommendation } from "@expenzez/db";
import { formatMoney, minorExponent } from "@expenzez/money";

/** Closed periods kept on a budget: bounds the item (read on every recalculation) to a few kB. */
export const MAX_HISTORY = 36;
/** Periods the suggested limit looks back on. */
export const RECOMMENDATION_LOOKBACK = 6;
/** Margin on top of the average, in percent, before rounding up. */
export const RECOMMENDATION_MARGIN_PERCENT = 10;
/** Spending this much more or less (percent) in the recent periods than before is a trend. */
export const TREND_BAND_PERCENT = 10;

/** The history entry of one period: variance and achievement follow from the two amounts. */
export function historyEntry(input: {
  periodId: string;
  start: string;
  end: string;
  spentMinor: number;
  limitMinor: number;
  closedAt: string;
}): BudgetHistoryEntry {
  return { ...input, varianceMinor: input.limitMinor - input.spentMinor, achieved: input.spentMinor <= input.limitMinor };
}

/** Inserts or replaces (same `start`) an entry, oldest first, keeping the newest MAX_HISTORY. */
export function withHistoryEntry(history: readonly BudgetHistoryEntry[], entry: BudgetHistoryEntry): BudgetHistoryEntry[] {
  const rest = history.filter((h) => h.start !== entry.start);
  return [...rest, entry].sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).slice(-MAX_HISTORY);
}

function trendOf(spent: readonly number[]): BudgetPerformance["trend"] {
  const half = Math.min(3, Math.floor(spent.length / 2));
  if (half === 0) return "stable";
  const recent = spent.slice(-half).reduce((a, b) => a + b, 0);
  const older = spent.slice(-2 * half, -half).reduce((a, b) => a + b, 0);
  // Equal counts on both sides: the sums compare as the means would.
  if (recent * 100 > older * (100 + TREND_BAND_PERCENT)) return "increasing";
  if (recent * 100 < older * (100 - TREND_BAND_PERCENT)) return "decreasing";
  return "stable";
}

/**
 * Average, trend, achievement rate, best and worst period over the closed periods.
 *
 * @example performanceOf(history)?.achievementRate // 0.75 when 3 of 4 periods stayed within the limit
 */
export function performanceOf(history: readonly BudgetHistoryEntry[]): BudgetPerformance | undefined {
  if (history.length === 0) return undefined;
  const spent = history.map((h) => h.spentMinor);
  const total = spent.reduce((a, b) => a + b, 0);
  let best = history[0] as BudgetHistoryEntry;
  let worst = best;
  for (const h of history) {
    if (h.spentMinor < best.spentMinor) best = h;
    if (h.spentMinor > worst.spentMinor) worst = h;
  }
  return {
    periods: history.length,
    averageSpentMinor: Math.round(total / history.length),
    trend: trendOf(spent),
    achievementRate: Math.round((history.filter((h) => h.achieved).length / history.length) * 10_000) / 10_000,
    best: { periodId: best.periodId, spentMinor: best.spentMinor },
    worst: { periodId: worst.periodId, spentMinor: worst.spentMinor },
  };
}

const NOUNS: Record<BudgetPeriodKind, [string, string]> = {
  weekly: ["week", "weeks"],
  monthly: ["month", "months"],
  quarterly: ["quarter", "quarters"],
  yearly: ["year", "years"],
  custom: ["period", "periods"],
};

/**
 * A suggested limit from the last periods' spending: their average plus a 10% margin, rounded
 * up to 5 major units (£5). Confidence grows with the periods seen (full at six) and falls with
 * how much they vary (coefficient of variation).
 *
 * @example recommendationOf(history, "monthly", "GBP")?.suggestedLimitMinor // 33000 for an average of £298.70
 */
export function recommendationOf(history: readonly BudgetHistoryEntry[], kind: BudgetPeriodKind, currency: string): BudgetRecommendation | undefined {
  const recent = history.slice(-RECOMMENDATION_LOOKBACK).map((h) => h.spentMinor);
  const n = recent.length;
  if (n === 0) return undefined;
  const total = recent.reduce((a, b) => a + b, 0);
  const step = 5 * 10 ** minorExponent(currency);
  const withMargin = Math.ceil((total * (100 + RECOMMENDATION_MARGIN_PERCENT)) / (100 * n));
  const suggestedLimitMinor = Math.max(step, Math.ceil(withMargin / step) * step);
  const mean = total / n;
  const deviation = Math.sqrt(recent.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
  const variation = mean === 0 ? 1 : deviation / mean;
  const confidence = Math.round((n / RECOMMENDATION_LOOKBACK) * Math.max(0, 1 - variation) * 100) / 100;
  const [one, many] = NOUNS[kind];
  return {
    suggestedLimitMinor,
    confidence,
    reasoning: `Average spend of ${formatMoney(Math.round(mean), currency)} over the last ${n === 1 ? one : `${n} ${many}`}, plus ${RECOMMENDATION_MARGIN_PERCENT}%, rounded up to ${formatMoney(step, currency)}.`,
    basedOnPeriods: n,
  };
}
