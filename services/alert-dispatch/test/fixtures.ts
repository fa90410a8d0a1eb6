import { type BudgetAlert, budgetAlertSchema, type NotificationPreferencesInput, notificationPreferencesSchema, userProfileSchema } from "@expenzez/db";
import { buildEvent, type DetailInput } from "@expenzez/events";
import { type AlertEvent, toAlert } from "../src/alert";
import type { DecisionInput } from "../src/decide";

export const USER = "user-a";
export const NOW = new Date("2024-03-15T12:00:00.000Z");

export function prefs(overrides: Partial<NotificationPreferencesInput> = {}) {
  return notificationPreferencesSchema.parse({ userId: USER, updatedAt: NOW.toISOString(), channels: { push: true, email: true }, ...overrides });
}

export const profile = (overrides: Record<string, unknown> = {}) =>
  userProfileSchema.parse({
    userId: USER,
    email: "ann@example.com",
    emailVerified: true,
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
    ...overrides,
  });

export function budgetEvent(threshold: number, overrides: Partial<DetailInput<"BudgetThresholdCrossed">> = {}): AlertEvent {
  const event = buildEvent("BudgetThresholdCrossed", {
    userId: USER,
    budgetId: "b-groceries",
    category: "groceries",
    period: { start: "2024-03-01", end: "2024-04-01" },
    thresholdPercent: threshold,
    spentMinor: 24_050,
    limitMinor: 30_000,
    currency: "GBP",
    occurredAt: NOW.toISOString(),
    ...overrides,
  });
  return { detailType: "BudgetThresholdCrossed", detail: event.detail };
}

export function largeTransaction(amountMinor: number, merchant = "Apple Store", currency = "GBP"): AlertEvent {
  const event = buildEvent("LargeTransactionDetected", {
    userId: USER,
    accountId: "acc-1",
    transactionId: "txn_1",
    amountMinor,
    currency,
    merchant,
    bookedAt: NOW.toISOString(),
    thresholdMinor: 50_000,
    occurredAt: NOW.toISOString(),
  });
  return { detailType: "LargeTransactionDetected", detail: event.detail };
}

export function reconnect(): AlertEvent {
  const event = buildEvent("ConnectionReconnectRequired", { userId: USER, connectionId: "conn-1", reason: "invalid_grant", occurredAt: NOW.toISOString() });
  return { detailType: "ConnectionReconnectRequired", detail: event.detail };
}

export function syncFailed(attempts: number): AlertEvent {
  const event = buildEvent("ConnectionSyncFailed", { userId: USER, connectionId: "conn-1", errorCode: "truelayer.provider_error", retryable: true, attempts });
  return { detailType: "ConnectionSyncFailed", detail: event.detail };
}

export function budgetAlert(overrides: Partial<BudgetAlert> = {}): BudgetAlert {
  return budgetAlertSchema.parse({
    userId: USER,
    alertId: "b-groceries@2024-03-01T00:00:00.000Z@80",
    budgetId: "b-groceries",
    category: "groceries",
    periodStart: "2024-03-01T00:00:00Z",
    threshold: 80,
    spentMinor: 24_050,
    limitMinor: 30_000,
    currency: "GBP",
    createdAt: NOW.toISOString(),
    ...overrides,
  });
}

export function input(event: AlertEvent, overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    alert: toAlert(event),
    preferences: prefs(),
    profile: profile(),
    reach: { pushTargets: 1, emailVerified: true },
    timeZone: "Europe/London",
    now: NOW,
    ...overrides,
  };
}
