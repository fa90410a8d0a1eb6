import { z } from "zod";

/** Who publishes what. Rules in infra route on these, consumers filter on them. */
export const SOURCES = {
  sync: "expenzez.sync",
  budgets: "expenzez.budgets",
  recurring: "expenzez.recurring",
  alerts: "expenzez.alerts",
  categories: "expenzez.categories",
} as const;
export type EventSource = (typeof SOURCES)[keyof typeof SOURCES];

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();
const minor = z.number().int().describe("integer minor units (pence)");
const currency = z.string().regex(/^[A-Z]{3}$/);
const id = z.string().min(1).max(256);

/**
 * Fields every detail carries. `eventId` is ours and stable across re-publishes (the outbox
 * sweep may publish twice): consumers deduplicate on it, not on EventBridge's own `id`.
 */
const meta = {
  version: z.literal(1),
  eventId: z.uuid(),
  occurredAt: isoDateTime,
  correlationId: z.string().max(128).optional(),
  userId: id,
};

/** Every cadence the recurring detector reports (four_weekly and six_monthly added; additive). */
const frequency = z.enum(["weekly", "fortnightly", "four_weekly", "monthly", "quarterly", "six_monthly", "yearly"]);

/** One zod schema per detail-type, version 1 each. Add a new version as a new literal, never edit in place. */
export const CATALOGUE = {
  TransactionsSynced: {
    source: SOURCES.sync,
    schema: z.object({
      ...meta,
      connectionId: id,
      syncId: id,
      accountIds: z.array(id),
      counts: z.object({
        added: z.number().int().nonnegative(),
        modified: z.number().int().nonnegative(),
        removed: z.number().int().nonnegative(),
      }),
      /** Primary categories of the transactions touched: budgets recompute only these. */
      categories: z.array(z.string()),
      /** Normalised merchants touched: the recurring detector looks only at these. */
      merchants: z.array(z.string()),
      /** Booking-date range touched, or null when nothing changed. */
      range: z.object({ from: isoDate, to: isoDate }).nullable(),
    }),
  },
  TransactionsRecategorised: {
    source: SOURCES.categories,
    schema: z.object({
      ...meta,
      ruleId: id.nullable(),
      transactionIds: z.array(id),
      categories: z.array(z.string()),
      range: z.object({ from: isoDate, to: isoDate }).nullable(),
    }),
  },
  ConnectionReconnectRequired: {
    source: SOURCES.sync,
    schema: z.object({
      ...meta,
      connectionId: id,
      providerId: z.string().optional(),
      reason: z.enum(["invalid_grant", "consent_expired", "access_denied", "refresh_token_expired"]),
    }),
  },
  ConnectionSyncFailed: {
    source: SOURCES.sync,
    schema: z.object({
      ...meta,
      connectionId: id,
      errorCode: z.string(),
      retryable: z.boolean(),
      attempts: z.number().int().positive(),
    }),
  },
  /** The scheduler's warning before a connection's consent runs out (7 days and 1 day before, once each). */
  ConnectionConsentExpiring: {
    source: SOURCES.sync,
    schema: z.object({
      ...meta,
      connectionId: id,
      consentExpiresAt: isoDateTime,
      daysLeft: z.number().int().nonnegative(),
    }),
  },
  LargeTransactionDetected: {
    source: SOURCES.sync,
    schema: z.object({
      ...meta,
      accountId: id,
      transactionId: id,
      amountMinor: minor,
      currency,
      merchant: z.string(),
      bookedAt: isoDateTime,
      thresholdMinor: minor,
    }),
  },
  BudgetThresholdCrossed: {
    source: SOURCES.budgets,
    schema: z.object({
      ...meta,
      budgetId: id,
      category: z.string(),
      period: z.object({ start: isoDate, end: isoDate }),
      thresholdPercent: z.number().int().min(1).max(1000),
      spentMinor: minor,
      limitMinor: minor,
      currency,
    }),
  },
  BudgetPeriodClosed: {
    source: SOURCES.budgets,
    schema: z.object({
      ...meta,
      budgetId: id,
      category: z.string(),
      period: z.object({ start: isoDate, end: isoDate }),
      spentMinor: minor,
      limitMinor: minor,
      currency,
    }),
  },
  RecurringPaymentDetected: {
    source: SOURCES.recurring,
    schema: z.object({
      ...meta,
      streamId: id,
      merchant: z.string(),
      frequency,
      amountMinor: minor,
      currency,
      nextExpected: isoDate,
      transactionIds: z.array(id),
    }),
  },
  RecurringPaymentPriceChanged: {
    source: SOURCES.recurring,
    schema: z.object({
      ...meta,
      streamId: id,
      merchant: z.string(),
      frequency,
      previousAmountMinor: minor,
      newAmountMinor: minor,
      currency,
      transactionId: id,
    }),
  },
  RecurringPaymentMissed: {
    source: SOURCES.recurring,
    schema: z.object({
      ...meta,
      streamId: id,
      merchant: z.string(),
      frequency,
      expectedOn: isoDate,
      amountMinor: minor,
      currency,
    }),
  },
  NotificationDispatched: {
    source: SOURCES.alerts,
    schema: z.object({
      ...meta,
      notificationId: id,
      /** The eventId of the event that caused the alert. */
      sourceEventId: z.uuid(),
      alertType: z.string(),
      channel: z.enum(["push", "email"]),
      status: z.enum(["sent", "deferred", "suppressed", "failed"]),
      /** Why: the setting, rule or provider answer that decided (a stable code, as in the history). */
      reason: z.string().optional(),
      /** When a deferred notification is due. */
      deferredUntil: isoDateTime.optional(),
    }),
  },
} as const;

export type DetailType = keyof typeof CATALOGUE;
export const DETAIL_TYPES = Object.keys(CATALOGUE) as DetailType[];
export type Detail<T extends DetailType> = z.infer<(typeof CATALOGUE)[T]["schema"]>;
/** The detail without the fields the envelope builder fills in. */
export type DetailInput<T extends DetailType> = Omit<Detail<T>, "version" | "eventId" | "occurredAt"> & Partial<Pick<Detail<T>, "eventId" | "occurredAt">>;

export function detailTypesOf(source: EventSource): DetailType[] {
  return DETAIL_TYPES.filter((t) => CATALOGUE[t].source === source);
}
