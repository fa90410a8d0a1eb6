import { type RecalcSummary, recalculateBudgets } from "@expenzez/budget-recalc";
import type { OpsContext } from "./context";

/**
 * Recomputes a user's open budget periods (one budget, or all) with the budget-recalc
 * service's own use case: the same writes, version checks and threshold events as the consumer.
 */
export function recalcBudgets(ctx: OpsContext, target: { userId: string; budgetId?: string }, now?: Date): Promise<RecalcSummary> {
  return recalculateBudgets(
    { db: ctx.db, repos: ctx.repos, relay: ctx.relay, log: ctx.log, ...(now ? { now: () => now } : {}) },
    { userId: target.userId, range: "all-open", ...(target.budgetId ? { budgetId: target.budgetId } : {}) },
  );
}
