import { closeCurrentPeriod, recalcCurrent } from "@expenzez/budgets";
import { TransactionConditionalCheckFailedError, TransactionConflictError, txPutVersioned, type UserBudget, userBudgetEntity } from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { commitWithEvents } from "@expenzez/runtime";
import type { BudgetDeps } from "./deps";
import { periodClosedEvent, thresholdCrossedEvent } from "./events";
import { emptyReadStats, type ReadStats, tallyPeriod, userZone } from "./read";
import { MAX_RECALC_ATTEMPTS } from "./recalc";

/** What one roll-over pass did. */
export interface RolloverSummary extends ReadStats {
  budgetsDue: number;
  periodsClosed: number;
  budgetsWritten: number;
  thresholdsCrossed: number;
  invalidBudgets: number;
  conflicts: number;
  /** Budgets that kept conflicting; the next pass takes them again. */
  failed: number;
}

/**
 * Closes every budget period that has ended by `now` (the user's local midnight): its final
 * tally goes into history with BudgetPeriodClosed, the next period starts when the budget
 * recurs and is recalculated at once (its thresholds may already be crossed). One versioned
 * write per budget carries all its events. Safe to run again: a closed period is no longer due.
 *
 * @example await rollOverEndedPeriods(deps) // from the scheduled task
 */
export async function rollOverEndedPeriods(deps: BudgetDeps, options: { pageSize?: number } = {}): Promise<RolloverSummary> {
  const now = (deps.now ?? (() => new Date()))();
  const log = deps.log.child({ task: "budget-rollover" });
  const summary: RolloverSummary = {
    budgetsDue: 0,
    periodsClosed: 0,
    budgetsWritten: 0,
    thresholdsCrossed: 0,
    invalidBudgets: 0,
    conflicts: 0,
    failed: 0,
    ...emptyReadStats(),
  };
  const zones = new Map<string, string>();
  // Shards in parallel, each one budget at a time: bounded concurrency (8) without another knob.
  const shards = Array.from({ length: deps.repos.budgets.rolloverShards }, (_, shard) => shard);
  await Promise.all(
    shards.map(async (shard) => {
      const due = await deps.repos.budgets.listEndedPeriods(shard, now.toISOString(), { pageSize: options.pageSize });
      summary.queries += due.requests;
      for (const bad of due.invalid) {
        summary.invalidBudgets++;
        log.error({ key: bad.key, code: bad.error.code, field: bad.error.field }, "budget item does not parse; not rolled over");
      }
      for (const budget of due.budgets) {
        summary.budgetsDue++;
        let zone = zones.get(budget.userId);
        if (!zone) {
          zone = await userZone(deps, budget.userId, log);
          zones.set(budget.userId, zone);
        }
        try {
          await rollOverBudget(deps, budget, zone, now, summary, log);
        } catch (err) {
          // One budget's trouble must not stop the pass; it stays due for the next one.
          summary.failed++;
          log.error({ err, budgetId: budget.budgetId, userId: budget.userId }, "budget roll-over failed; retried on the next pass");
        }
      }
    }),
  );
  if (summary.budgetsDue) log.info(summary, "budget roll-over pass done");
  return summary;
}

async function rollOverBudget(deps: BudgetDeps, start: UserBudget, zone: string, now: Date, summary: RolloverSummary, log: Logger): Promise<void> {
  let budget: UserBudget | undefined = start;
  for (let attempt = 1; budget; attempt++) {
    let next = budget;
    const events: DomainEvent[] = [];
    let closed = 0;
    // A pass that did not run for a while closes each period it missed, in order.
    while (next.status !== "closed" && Date.parse(next.currentPeriod.end) <= now.getTime()) {
      const period = next.currentPeriod;
      const tally = await tallyPeriod(deps, next, period, summary, log);
      const out = closeCurrentPeriod(next, tally, zone, now);
      events.push(periodClosedEvent(next, period, tally.spentMinor, zone, now));
      closed++;
      next = out.budget;
    }
    if (closed === 0) return;
    if (next.status !== "closed") {
      const current = recalcCurrent(next, await tallyPeriod(deps, next, next.currentPeriod, summary, log), now);
      next = current.budget;
      events.push(...current.crossed.map((t) => thresholdCrossedEvent(next, t, zone, now)));
    }
    try {
      await commitWithEvents(deps, [txPutVersioned(deps.db, userBudgetEntity, next, budget.version)], events, { now });
      summary.periodsClosed += closed;
      summary.budgetsWritten++;
      summary.thresholdsCrossed += events.length - closed;
      log.info({ budgetId: next.budgetId, closed, currentPeriod: next.status === "closed" ? null : next.currentPeriod }, "budget period closed");
      return;
    } catch (err) {
      if (!(err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError)) throw err;
      summary.conflicts++;
      if (attempt >= MAX_RECALC_ATTEMPTS) throw err;
      budget = await deps.repos.budgets.get(budget.userId, budget.budgetId);
    }
  }
}
