import type { NotificationCategory } from "@expenzez/db";
import type { Detail, DetailType } from "@expenzez/events";
import { UnroutableEventError } from "./errors";

/** Consecutive failed syncs of one connection after which the user is told (once per streak). */
export const SYNC_FAILURES_TO_ALERT = 3;

/** The detail-types this service turns into notifications. */
export const ALERT_DETAIL_TYPES = [
  "BudgetThresholdCrossed",
  "LargeTransactionDetected",
  "RecurringPaymentPriceChanged",
  "RecurringPaymentMissed",
  "RecurringPaymentDetected",
  "ConnectionReconnectRequired",
  "ConnectionConsentExpiring",
  "ConnectionSyncFailed",
] as const satisfies readonly DetailType[];
export type AlertDetailType = (typeof ALERT_DETAIL_TYPES)[number];

/** An event this service handles, as the queue delivers it. */
export type AlertEvent = { [T in AlertDetailType]: { detailType: T; detail: Detail<T> } }[AlertDetailType];

/** What custom rules and the category options look at. Amounts are minor units, signed as the bank signs them. */
export interface AlertFacts {
  amountMinor?: number;
  currency?: string;
  category?: string;
  merchant?: string;
  frequency?: string;
}

/** The budget side of a BudgetThresholdCrossed, for coalescing and the BudgetAlert's conditions. */
export interface BudgetFacts {
  budgetId: string;
  category: string;
  periodStart: string;
  periodEnd: string;
  threshold: number;
  spentMinor: number;
  limitMinor: number;
  currency: string;
}

/** One event, normalised: everything the decision and the templates need. */
export interface Alert {
  detailType: AlertDetailType;
  category: NotificationCategory;
  userId: string;
  sourceEventId: string;
  occurredAt: string;
  correlationId?: string;
  /**
   * What makes two events the same alert: a budget threshold is one alert per (budget, period,
   * threshold) whatever event carried it; everything else is its event.
   */
  alertKey: string;
  facts: AlertFacts;
  budget?: BudgetFacts;
  /** Security alerts that may be sent inside quiet hours (docs/alerts.md): access to the bank is lost now. */
  urgent: boolean;
  /** Raw values for templates and the notification's data payload. */
  params: Record<string, string | number>;
  /** Set when the event itself says nobody should be told (e.g. a failure streak not yet long enough). */
  eventGate?: string;
}

/**
 * The normalised alert of an event.
 *
 * @example toAlert({ detailType: "LargeTransactionDetected", detail }).category // "transactions"
 */
export function toAlert(event: AlertEvent): Alert {
  const d = event.detail;
  const base = { userId: d.userId, sourceEventId: d.eventId, occurredAt: d.occurredAt, ...(d.correlationId ? { correlationId: d.correlationId } : {}) };
  switch (event.detailType) {
    case "BudgetThresholdCrossed": {
      const b = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "budgets",
        alertKey: `budget:${b.budgetId}:${b.period.start}:${b.thresholdPercent}`,
        facts: { amountMinor: b.spentMinor, currency: b.currency, category: b.category },
        budget: {
          budgetId: b.budgetId,
          category: b.category,
          periodStart: b.period.start,
          periodEnd: b.period.end,
          threshold: b.thresholdPercent,
          spentMinor: b.spentMinor,
          limitMinor: b.limitMinor,
          currency: b.currency,
        },
        urgent: false,
        params: {
          budgetId: b.budgetId,
          category: b.category,
          threshold: b.thresholdPercent,
          spentMinor: b.spentMinor,
          limitMinor: b.limitMinor,
          currency: b.currency,
        },
      };
    }
    case "LargeTransactionDetected": {
      const t = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "transactions",
        alertKey: `event:${t.eventId}`,
        facts: { amountMinor: t.amountMinor, currency: t.currency, merchant: t.merchant },
        urgent: false,
        params: { transactionId: t.transactionId, accountId: t.accountId, amountMinor: t.amountMinor, currency: t.currency, merchant: t.merchant },
      };
    }
    case "RecurringPaymentDetected":
    case "RecurringPaymentMissed": {
      const r = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "insights",
        alertKey: `event:${r.eventId}`,
        facts: { amountMinor: r.amountMinor, currency: r.currency, merchant: r.merchant, frequency: r.frequency },
        urgent: false,
        params: {
          streamId: r.streamId,
          merchant: r.merchant,
          frequency: r.frequency,
          amountMinor: r.amountMinor,
          currency: r.currency,
          date: "nextExpected" in r ? r.nextExpected : r.expectedOn,
        },
      };
    }
    case "RecurringPaymentPriceChanged": {
      const r = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "insights",
        alertKey: `event:${r.eventId}`,
        facts: { amountMinor: r.newAmountMinor, currency: r.currency, merchant: r.merchant, frequency: r.frequency },
        urgent: false,
        params: {
          streamId: r.streamId,
          merchant: r.merchant,
          frequency: r.frequency,
          previousAmountMinor: r.previousAmountMinor,
          amountMinor: r.newAmountMinor,
          currency: r.currency,
        },
      };
    }
    case "ConnectionReconnectRequired": {
      const c = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "security",
        alertKey: `event:${c.eventId}`,
        facts: {},
        // Syncing has stopped and the bank will not serve data until the user acts.
        urgent: true,
        params: { connectionId: c.connectionId, reason: c.reason, provider: c.providerId ?? "your bank" },
      };
    }
    case "ConnectionConsentExpiring": {
      const c = event.detail;
      return {
        ...base,
        detailType: event.detailType,
        category: "security",
        alertKey: `consent:${c.connectionId}:${c.consentExpiresAt}:${c.daysLeft}`,
        facts: {},
        urgent: false,
        params: { connectionId: c.connectionId, daysLeft: c.daysLeft, date: c.consentExpiresAt },
      };
    }
    case "ConnectionSyncFailed": {
      const c = event.detail;
      const gate =
        c.attempts < SYNC_FAILURES_TO_ALERT
          ? "sync_failures_below_threshold"
          : c.attempts > SYNC_FAILURES_TO_ALERT
            ? "sync_failures_already_alerted"
            : undefined;
      return {
        ...base,
        detailType: event.detailType,
        category: "security",
        alertKey: `sync-failed:${c.connectionId}:${c.attempts}:${c.eventId}`,
        facts: {},
        urgent: false,
        params: { connectionId: c.connectionId, attempts: c.attempts, errorCode: c.errorCode },
        ...(gate ? { eventGate: gate } : {}),
      };
    }
    default: {
      const unknown: never = event;
      throw new UnroutableEventError(`alert-dispatch does not handle ${(unknown as { detailType: string }).detailType}`);
    }
  }
}

export function isAlertDetailType(detailType: string): detailType is AlertDetailType {
  return (ALERT_DETAIL_TYPES as readonly string[]).includes(detailType);
}
