import type { BudgetHistoryEntry, UserBudget } from "@expenzez/db";
import type { BudgetScope, SpendTally } from "./counting";
import { figuresOf, newlyCrossed } from "./figures";
import { type BudgetPeriod, nextPeriod, type PeriodSpec, periodId } from "./periods";
import { historyEntry, performanceOf, recommendationOf, withHistoryEntry } from "./rollover";

/** The parts of a budget that decide its scope and periods. */
export function scopeOf(budget: UserBudget): BudgetScope {
  return { category: budget.category, subcategories: budget.subcategories, currency: budget.currency };
}

export function specOf(budget: UserBudget): PeriodSpec {
  return { period: budget.period, monthStartDay: budget.monthStartDay, customRange: budget.customRange };
}

/** One budget-period a change touches: the open one, or a closed one kept in history. */
export type TouchedPeriod = { kind: "current"; period: BudgetPeriod } | { kind: "closed"; period: BudgetPeriod; entry: BudgetHistoryEntry };

function overlaps(period: BudgetPeriod, range: { from: string; to: string }): boolean {
  return Date.parse(period.start) < Date.parse(range.to) && Date.parse(range.from) < Date.parse(period.end);
}

/**
 * The budget's periods that overlap the instant range `[from, to)`: its open period and any
 * closed period still in its history (older ones, and those before the budget existed, have
 * nothing to correct).
 */
export function touchedPeriods(budget: UserBudget, range: { from: string; to: string } | "all-open"): TouchedPeriod[] {
  const touched: TouchedPeriod[] = [];
  for (const entry of budget.history) {
    if (range !== "all-open" && overlaps(entry, range)) touched.push({ kind: "closed", period: { start: entry.start, end: entry.end }, entry });
  }
  if (budget.status !== "closed" && (range === "all-open" || overlaps(budget.currentPeriod, range)))
    touched.push({ kind: "current", period: budget.currentPeriod });
  return touched;
}

export interface CurrentRecalc {
  budget: UserBudget;
  /** Thresholds to announce now, lowest first (empty for a replay). */
  crossed: number[];
  changed: boolean;
}

/**
 * New figures of the open period from its exact tally, and the thresholds crossed upward that
 * were not announced yet in it.
 */
export function recalcCurrent(budget: UserBudget, tally: SpendTally, now: Date): CurrentRecalc {
  const figures = figuresOf(tally.spentMinor, budget.limitMinor);
  const crossed = budget.status === "closed" ? [] : newlyCrossed(budget.thresholds, budget.alertedThresholds, figures.spentMinor, budget.limitMinor);
  const changed =
    crossed.length > 0 ||
    budget.spentMinor !== figures.spentMinor ||
    budget.remainingMinor !== figures.remainingMinor ||
    budget.percentage !== figures.percentage ||
    (budget.status !== "closed" && budget.status !== figures.status);
  if (!changed) return { budget, crossed, changed };
  const at = now.toISOString();
  return {
    budget: {
      ...budget,
      ...figures,
      status: budget.status === "closed" ? "closed" : figures.status,
      alertedThresholds: [...new Set([...budget.alertedThresholds, ...crossed])].sort((a, b) => a - b),
      lastRecalculatedAt: at,
      updatedAt: at,
    },
    crossed,
    changed,
  };
}

function withHistory(budget: UserBudget, history: BudgetHistoryEntry[]): UserBudget {
  const performance = performanceOf(history);
  const aiRecommendations = recommendationOf(history, budget.period, budget.currency);
  return { ...budget, history, ...(performance ? { performance } : {}), ...(aiRecommendations ? { aiRecommendations } : {}) };
}

/**
 * Corrects a closed period's entry after a late transaction (an old booking synced after the
 * roll-over): its spent, variance and achievement, and the performance and recommendation that
 * follow. Never announces thresholds: that period is over.
 */
export function correctClosedPeriod(budget: UserBudget, entry: BudgetHistoryEntry, tally: SpendTally, now: Date): { budget: UserBudget; changed: boolean } {
  if (entry.spentMinor === tally.spentMinor) return { budget, changed: false };
  const corrected = historyEntry({ ...entry, spentMinor: tally.spentMinor });
  const at = now.toISOString();
  return { budget: { ...withHistory(budget, withHistoryEntry(budget.history, corrected)), lastRecalculatedAt: at, updatedAt: at }, changed: true };
}

export interface ClosedPeriod {
  budget: UserBudget;
  entry: BudgetHistoryEntry;
  /** The period that now runs, when the budget recurs; its figures start at zero until recalculated. */
  next?: BudgetPeriod;
}

/**
 * Closes the open period with its final tally: appends it to history, updates performance and
 * the suggested limit, and starts the next period when the budget recurs (else the budget is
 * `closed`).
 */
export function closeCurrentPeriod(budget: UserBudget, tally: SpendTally, zone: string, now: Date): ClosedPeriod {
  const spec = specOf(budget);
  const period = budget.currentPeriod;
  const at = now.toISOString();
  const entry = historyEntry({
    periodId: periodId(spec, period, zone),
    start: period.start,
    end: period.end,
    spentMinor: tally.spentMinor,
    limitMinor: budget.limitMinor,
    closedAt: at,
  });
  const closed = withHistory(budget, withHistoryEntry(budget.history, entry));
  const next = budget.isRecurring ? nextPeriod(spec, period, zone) : undefined;
  if (!next) return { budget: { ...closed, status: "closed", lastRecalculatedAt: at, updatedAt: at }, entry };
  return {
    budget: { ...closed, currentPeriod: next, ...figuresOf(0, budget.limitMinor), alertedThresholds: [], lastRecalculatedAt: at, updatedAt: at },
    entry,
    next,
  };
}
