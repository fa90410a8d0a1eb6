import { PermanentFailure, RetryLater } from "@expenzez/runtime";

/**
 * budget-recalc's errors, each with a stable code. Retry or dead-letter follows from the base
 * class (PermanentFailure / RetryLater), decided by the runtime in one place.
 */

/** The message is not an event this consumer handles (bad JSON, bad detail, wrong detail-type). */
export class InvalidBudgetEventError extends PermanentFailure {
  constructor(reason: string, options?: { cause?: unknown }) {
    super("budgets.invalid_event", `invalid budget-recalc event: ${reason}`, options);
  }
}

/** A budget kept changing under us (the app, another delivery) through every re-read. */
export class BudgetConflictError extends RetryLater {
  constructor(budgetId: string, attempts: number, options?: { cause?: unknown }) {
    super("budgets.write_conflict", `budget ${budgetId} changed under ${attempts} recalculations`, undefined, options);
  }
}
