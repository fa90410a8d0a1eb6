import { buildEvent, type DetailInput, type DetailType, type DomainEvent } from "@expenzez/events";
import { type QueueId, stackDefinition } from "@expenzez/resources";
import { eventBridgeBody } from "@expenzez/testing";
import fc from "fast-check";

/** Ids the generators draw from: mostly plain, sometimes hostile but schema-legal (no `#` where the schema refuses it). */
export const plainId = fc.stringMatching(/^[a-z0-9-]{1,24}$/);

const common = { userId: "u-1", correlationId: "corr-1" };

/** One valid detail input per detail-type a consumer reads (the generators mutate these). */
export const VALID_INPUTS: { [T in DetailType]?: DetailInput<T> } = {
  TransactionsSynced: {
    ...common,
    connectionId: "conn-1",
    syncId: "sync-1",
    accountIds: ["acc-1"],
    counts: { added: 2, modified: 0, removed: 0 },
    categories: ["groceries", "transport"],
    merchants: ["Tesco", "TfL"],
    range: { from: "2026-11-01", to: "2026-11-20" },
  },
  TransactionsRecategorised: { ...common, ruleId: null, transactionIds: ["t-1"], categories: ["groceries"], range: { from: "2026-11-01", to: "2026-11-02" } },
  BudgetThresholdCrossed: {
    ...common,
    budgetId: "b-1",
    category: "groceries",
    period: { start: "2026-11-01", end: "2026-11-30" },
    thresholdPercent: 80,
    spentMinor: 8000,
    limitMinor: 10000,
    currency: "GBP",
  },
  LargeTransactionDetected: {
    ...common,
    accountId: "acc-1",
    transactionId: "t-1",
    amountMinor: -250000,
    currency: "GBP",
    merchant: "Currys",
    bookedAt: "2026-11-20T10:00:00Z",
    thresholdMinor: 100000,
  },
  RecurringPaymentDetected: {
    ...common,
    streamId: "s-1",
    merchant: "Netflix",
    frequency: "monthly",
    amountMinor: -1099,
    currency: "GBP",
    nextExpected: "2026-12-05",
    transactionIds: ["t-1"],
  },
  RecurringPaymentPriceChanged: {
    ...common,
    streamId: "s-1",
    merchant: "Netflix",
    frequency: "monthly",
    previousAmountMinor: -1099,
    newAmountMinor: -1299,
    currency: "GBP",
    transactionId: "t-2",
  },
  RecurringPaymentMissed: { ...common, streamId: "s-1", merchant: "Gym", frequency: "monthly", expectedOn: "2026-11-15", amountMinor: -3000, currency: "GBP" },
  ConnectionReconnectRequired: { ...common, connectionId: "conn-1", reason: "invalid_grant" },
  ConnectionConsentExpiring: { ...common, connectionId: "conn-1", consentExpiresAt: "2026-11-27T00:00:00Z", daysLeft: 7 },
  ConnectionSyncFailed: { ...common, connectionId: "conn-1", errorCode: "truelayer.provider_error", retryable: true, attempts: 3 },
  NotificationDispatched: {
    ...common,
    notificationId: "n-1",
    sourceEventId: "00000000-0000-4000-8000-000000000000",
    alertType: "budget",
    channel: "push",
    status: "sent",
  },
};

/** A valid event of the detail-type (a fresh event id each time). */
export function validEvent<T extends DetailType>(detailType: T, over: Partial<DetailInput<T>> = {}): DomainEvent<T> {
  return buildEvent(detailType, { ...(VALID_INPUTS[detailType] as DetailInput<T>), ...over });
}

/** Valid EventBridge-to-SQS envelopes (as parsed JSON) of any of these detail-types. */
export function validEnvelopes(detailTypes: readonly DetailType[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.constantFrom(...detailTypes), fc.uuid({ version: 4 }))
    .map(([detailType, eventId]) => JSON.parse(eventBridgeBody(validEvent(detailType, { eventId } as never))) as unknown);
}

/** Valid SyncJob messages (as parsed JSON). */
const syncJobV1 = fc.record({
  jobId: plainId,
  userId: plainId,
  connectionId: plainId,
  reason: fc.constantFrom("scheduled", "refresh_now", "webhook"),
  requestedAt: fc.constant("2026-11-20T12:00:00.000Z"),
  psuIp: fc.constantFrom("203.0.113.7", "2001:db8::1"),
  correlationId: plainId,
});

/** A SyncJob of either version: v2 carries an async request's results reference (ADR 0046). */
export const validSyncJob = fc.oneof(
  syncJobV1,
  fc.record({
    jobId: plainId,
    userId: plainId,
    connectionId: plainId,
    reason: fc.constant("webhook"),
    requestedAt: fc.constant("2026-11-20T12:00:00.000Z"),
    correlationId: plainId,
    version: fc.constant(2),
    results: fc.record({
      uri: plainId.map((t) => `https://api.truelayer-sandbox.com/data/v1/results/${t}`),
      taskId: plainId,
      requestUri: fc.constant("https://api.truelayer-sandbox.com/data/v1/accounts/acc-1/transactions?from=2024-01-01&async=true"),
      status: fc.constantFrom("Succeeded", "Failed"),
    }),
  }),
);

/** The detail-types a consumer's queue receives: the stack's routing rules, from its definition. */
function routedTo(queue: QueueId): DetailType[] {
  return stackDefinition("local")
    .rules.filter((r) => r.target === queue)
    .flatMap((r) => r.eventPattern["detail-type"]);
}
export const SYNC_TYPES = routedTo("recurring");
export const BUDGET_TYPES = routedTo("budgetRecalc");
export const ALERT_TYPES = routedTo("alertDispatch");
/** Every detail-type, so a consumer also sees events meant for others. */
export const ANY_TYPES = [...new Set<DetailType>([...BUDGET_TYPES, ...ALERT_TYPES, "NotificationDispatched"])];
