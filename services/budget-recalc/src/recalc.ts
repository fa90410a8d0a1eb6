import { correctClosedPeriod, recalcCurrent, touchedPeriods } from "@expenzez/budgets";
import { TransactionConditionalCheckFailedError, TransactionConflictError, txPutVersioned, type UserBudget, userBudgetEntity } from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { commitWithEvents } from "@expenzez/runtime";
import type { BudgetDeps } from "./deps";
import { BudgetConflictError } from "./errors";
import { thresholdCrossedEvent } from "./events";
import { emptyReadStats, type ReadStats, tallyPeriod, userZone } from "./read";

/** Re-read and recompute this often when a concurrent writer changed the budget first. */
export const MAX_RECALC_ATTEMPTS = 4;

/** What to recompute for one user. */
export interface RecalcRequest {
  userId: string;
  /** Primary categories touched; absent: every budget of the user. */
  categories?: readonly string[];
  /** The instant range `[from, to)` touched, or each budget's open period only (the CLI, an edited budget). */
  range: { from: string; to: string } | "all-open";
  /** Only this budget. */
  budgetId?: string;
  /** The correlation id of the event that asked (else its id): carried by the events this emits. */
  cause?: string;
}

/** What one recalculation did (JSON: the idempotency record stores it). */
export interface RecalcSummary extends ReadStats {
  budgets: number;
  periodsRecomputed: number;
  budgetsWritten: number;
  closedPeriodsCorrected: number;
  thresholdsCrossed: number;
  invalidBudgets: number;
  conflicts: number;
}

function emptySummary(): RecalcSummary {
  return {
    budgets: 0,
    periodsRecomputed: 0,
    budgetsWritten: 0,
    closedPeriodsCorrected: 0,
    thresholdsCrossed: 0,
    invalidBudgets: 0,
    conflicts: 0,
    ...emptyReadStats(),
  };
}

/**
 * Recomputes the budget-periods a change touched, for one user: one GSI3 Query per
 * budget-period, then one versioned write per budget that changed, with its
 * BudgetThresholdCrossed events in the same transaction (outbox). Budgets whose item fails its
 * schema are skipped and logged by key; the others still run.
 *
 * @example await recalculateBudgets(deps, { userId, categories: ["groceries"], range: { from, to } })
 */
export async function recalculateBudgets(deps: BudgetDeps, request: RecalcRequest, log: Logger = deps.log): Promise<RecalcSummary> {
  const summary = emptySummary();
  const checked = await deps.repos.budgets.listAllByUserChecked(request.userId);
  summary.queries += checked.requests;
  for (const bad of checked.invalid) {
    summary.invalidBudgets++;
    log.error({ key: bad.key, code: bad.error.code, field: bad.error.field }, "budget item does not parse; skipped");
  }
  const wanted = checked.budgets.filter(
    (b) => (request.budgetId === undefined || b.budgetId === request.budgetId) && (request.categories === undefined || request.categories.includes(b.category)),
  );
  if (wanted.length === 0) return summary;
  const zone = await userZone(deps, request.userId, log);
  for (const budget of wanted) {
    summary.budgets++;
    await recalculateBudget(deps, budget, request, zone, summary, log);
  }
  return summary;
}

async function recalculateBudget(
  deps: BudgetDeps,
  start: UserBudget,
  request: RecalcRequest,
  zone: string,
  summary: RecalcSummary,
  log: Logger,
): Promise<void> {
  let budget: UserBudget | undefined = start;
  for (let attempt = 1; budget; attempt++) {
    const now = (deps.now ?? (() => new Date()))();
    const touched = touchedPeriods(budget, request.range);
    if (touched.length === 0) return;
    let next = budget;
    let changed = false;
    let corrected = 0;
    const events: DomainEvent[] = [];
    for (const t of touched) {
      const tally = await tallyPeriod(deps, next, t.period, summary, log);
      summary.periodsRecomputed++;
      if (t.kind === "closed") {
        const out = correctClosedPeriod(next, t.entry, tally, now);
        if (out.changed) corrected++;
        changed ||= out.changed;
        next = out.budget;
      } else {
        const out = recalcCurrent(next, tally, now);
        changed ||= out.changed;
        next = out.budget;
        events.push(...out.crossed.map((threshold) => thresholdCrossedEvent(next, threshold, zone, now, request.cause)));
      }
    }
    if (!changed) return;
    try {
      await commitWithEvents(deps, [txPutVersioned(deps.db, userBudgetEntity, next, budget.version)], events, { now });
      summary.budgetsWritten++;
      summary.closedPeriodsCorrected += corrected;
      summary.thresholdsCrossed += events.length;
      log.info(
        { budgetId: next.budgetId, spentMinor: next.spentMinor, limitMinor: next.limitMinor, crossed: events.length, corrected, version: budget.version + 1 },
        "budget recalculated",
      );
      return;
    } catch (err) {
      if (!(err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError)) throw err;
      summary.conflicts++;
      if (attempt >= MAX_RECALC_ATTEMPTS) throw new BudgetConflictError(budget.budgetId, attempt, { cause: err });
      log.info({ budgetId: budget.budgetId, attempt }, "budget changed while we recalculated it: re-reading");
      budget = await deps.repos.budgets.get(budget.userId, budget.budgetId);
    }
  }
}
