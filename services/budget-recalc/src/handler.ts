import { utcDateRange } from "@expenzez/budgets";
import { EventValidationError, parseDeliveredEvent, type ReceivedEvent } from "@expenzez/events";
import { emitMetrics } from "@expenzez/logger";
import { type QueueMessage, runOnce } from "@expenzez/runtime";
import { type BudgetDeps, DEFAULT_CLAIM_LEASE_SECONDS } from "./deps";
import { InvalidBudgetEventError } from "./errors";
import { type RecalcRequest, type RecalcSummary, recalculateBudgets } from "./recalc";

/** Metrics of one handled event (namespace `expenzez`, dimension `service`). */
export const BUDGET_METRICS = {
  /** Budgets whose figures an event recomputed and wrote. */
  recalculations: "BudgetRecalculations",
  /** Thresholds an event's recalculation crossed (each one a BudgetThresholdCrossed). */
  thresholdsCrossed: "BudgetThresholdsCrossed",
} as const;

/** The consumer name in idempotency keys. */
export const CONSUMER = "budget-recalc";

/**
 * What an event asks to recompute: its user, the primary categories it touched and its UTC
 * booking-date range as instants (a day either side is covered by the periods that overlap it).
 * `undefined` when it touched nothing.
 */
export function requestOf(event: ReceivedEvent): RecalcRequest | undefined {
  if (event.detailType !== "TransactionsSynced" && event.detailType !== "TransactionsRecategorised") {
    throw new InvalidBudgetEventError(`${event.detailType} is not for budget-recalc`);
  }
  const { detail } = event;
  if (!detail.range || detail.categories.length === 0) return undefined;
  return { userId: detail.userId, categories: detail.categories, range: utcDateRange(detail.range), cause: detail.correlationId ?? detail.eventId };
}

/**
 * Handles one budget-recalc queue message: an EventBridge delivery of TransactionsSynced or
 * TransactionsRecategorised. Runs once per event id (replays return the first result); an event
 * that fails its schema is a PermanentFailure (dead-lettered with the reason).
 *
 * @example await handleBudgetEvent(message, deps)
 */
export async function handleBudgetEvent(message: Pick<QueueMessage, "body">, deps: BudgetDeps): Promise<RecalcSummary | undefined> {
  let event: ReceivedEvent;
  try {
    event = parseDeliveredEvent(message.body);
  } catch (err) {
    if (err instanceof EventValidationError) throw new InvalidBudgetEventError(`${err.message}: ${err.issues.join("; ")}`, { cause: err });
    throw err;
  }
  const request = requestOf(event);
  const log = deps.log.child({ eventId: event.detail.eventId, detailType: event.detailType, userId: event.detail.userId });
  if (!request) {
    log.debug("event touched no transactions: nothing to recalculate");
    return undefined;
  }
  const { result, replayed } = await runOnce(
    deps.db,
    // The runtime's default lease is 5 minutes: far beyond the queue's 60 s, so a consumer killed
    // mid-event held that event (and each duplicate of it) back for 5 minutes (the fault suite).
    { consumer: CONSUMER, key: event.detail.eventId, now: deps.now, leaseSeconds: deps.claimLeaseSeconds ?? DEFAULT_CLAIM_LEASE_SECONDS },
    () => recalculateBudgets(deps, request, log),
  );
  if (replayed) log.info("event handled before: nothing to do");
  else {
    emitMetrics(log, [
      { name: BUDGET_METRICS.recalculations, value: result.budgetsWritten, unit: "Count" },
      { name: BUDGET_METRICS.thresholdsCrossed, value: result.thresholdsCrossed, unit: "Count" },
    ]);
  }
  return result;
}
