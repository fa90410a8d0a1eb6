import { type BudgetPeriod, periodDates, specOf, stableEventId } from "@expenzez/budgets";
import type { UserBudget } from "@expenzez/db";
import { buildEvent, type DomainEvent } from "@expenzez/events";

/**
 * BudgetThresholdCrossed for one threshold of one period. Its id is derived from (user, budget,
 * period, threshold), so any second announcement of the same crossing is the same event.
 */
export function thresholdCrossedEvent(budget: UserBudget, threshold: number, zone: string, now: Date, correlationId?: string): DomainEvent {
  const period = budget.currentPeriod;
  return buildEvent("BudgetThresholdCrossed", {
    eventId: stableEventId("BudgetThresholdCrossed", budget.userId, budget.budgetId, period.start, String(threshold)),
    occurredAt: now.toISOString(),
    ...(correlationId ? { correlationId } : {}),
    userId: budget.userId,
    budgetId: budget.budgetId,
    category: budget.category,
    period: periodDates(specOf(budget), period, zone),
    thresholdPercent: threshold,
    spentMinor: budget.spentMinor,
    limitMinor: budget.limitMinor,
    currency: budget.currency,
  });
}

/** BudgetPeriodClosed for one closed period (stable id per budget and period). */
export function periodClosedEvent(budget: UserBudget, period: BudgetPeriod, spentMinor: number, zone: string, now: Date): DomainEvent {
  return buildEvent("BudgetPeriodClosed", {
    eventId: stableEventId("BudgetPeriodClosed", budget.userId, budget.budgetId, period.start),
    occurredAt: now.toISOString(),
    userId: budget.userId,
    budgetId: budget.budgetId,
    category: budget.category,
    period: periodDates(specOf(budget), period, zone),
    spentMinor,
    limitMinor: budget.limitMinor,
    currency: budget.currency,
  });
}
