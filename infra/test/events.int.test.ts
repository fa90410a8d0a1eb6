import { randomUUID } from "node:crypto";
import { buildEvent, DETAIL_TYPES, type DetailInput, type DetailType, type DomainEvent, parseDeliveredEvent, publishEvents } from "@expenzez/events";
import type { QueueId } from "@expenzez/resources";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, provisionLocalStack } from "../src/stack";

const userId = "user-routing";
const common = { connectionId: "conn-1", currency: "GBP", merchant: "Netflix", frequency: "monthly" } as const;

/** One valid detail per detail-type in the catalogue, so the whole routing table is exercised. */
const SAMPLES: { [T in DetailType]: DetailInput<T> } = {
  TransactionsSynced: {
    userId,
    connectionId: common.connectionId,
    syncId: "sync-1",
    accountIds: ["acc-1"],
    counts: { added: 2, modified: 1, removed: 0 },
    categories: ["groceries"],
    merchants: ["tesco"],
    range: { from: "2026-11-01", to: "2026-11-24" },
  },
  TransactionsRecategorised: { userId, ruleId: null, transactionIds: ["tx-1"], categories: ["eating_out"], range: null },
  ConnectionReconnectRequired: { userId, connectionId: common.connectionId, reason: "invalid_grant" },
  ConnectionSyncFailed: { userId, connectionId: common.connectionId, errorCode: "truelayer.provider_error", retryable: true, attempts: 3 },
  ConnectionConsentExpiring: { userId, connectionId: common.connectionId, consentExpiresAt: "2026-12-01T00:00:00Z", daysLeft: 7 },
  LargeTransactionDetected: {
    userId,
    accountId: "acc-1",
    transactionId: "tx-2",
    amountMinor: -125_000,
    currency: common.currency,
    merchant: "Currys",
    bookedAt: "2026-11-24T10:00:00Z",
    thresholdMinor: 50_000,
  },
  BudgetThresholdCrossed: {
    userId,
    budgetId: "b-1",
    category: "groceries",
    period: { start: "2026-11-01", end: "2026-11-30" },
    thresholdPercent: 80,
    spentMinor: 32_000,
    limitMinor: 40_000,
    currency: common.currency,
  },
  BudgetPeriodClosed: {
    userId,
    budgetId: "b-1",
    category: "groceries",
    period: { start: "2026-10-01", end: "2026-10-31" },
    spentMinor: 38_500,
    limitMinor: 40_000,
    currency: common.currency,
  },
  RecurringPaymentDetected: {
    userId,
    streamId: "s-1",
    merchant: common.merchant,
    frequency: common.frequency,
    amountMinor: 1099,
    currency: common.currency,
    nextExpected: "2026-12-15",
    transactionIds: ["tx-3"],
  },
  RecurringPaymentPriceChanged: {
    userId,
    streamId: "s-1",
    merchant: common.merchant,
    frequency: common.frequency,
    previousAmountMinor: 1099,
    newAmountMinor: 1299,
    currency: common.currency,
    transactionId: "tx-4",
  },
  RecurringPaymentMissed: {
    userId,
    streamId: "s-1",
    merchant: common.merchant,
    frequency: common.frequency,
    expectedOn: "2026-11-15",
    amountMinor: 1099,
    currency: common.currency,
  },
  NotificationDispatched: {
    userId,
    notificationId: "n-1",
    sourceEventId: randomUUID(),
    alertType: "budget_threshold",
    channel: "push",
    status: "sent",
  },
};

describe("event round trip: publishEvents → bus → rules → SQS", () => {
  let stack: LocalStack;
  const sample = <T extends DetailType>(t: T): DomainEvent => buildEvent(t, SAMPLES[t]);
  const events = DETAIL_TYPES.map(sample);
  const received = new Map<QueueId, string[]>();

  /** Which queues should get an event, read off the rules of the definition. */
  const expectedQueues = (event: DomainEvent): QueueId[] =>
    stack.def.rules
      .filter((r) => r.eventPattern.source.includes(event.source) && (r.eventPattern["detail-type"] as string[]).includes(event.detailType))
      .map((r) => r.target);

  beforeAll(async () => {
    await resetForFile();
    stack = await provisionLocalStack(emulatorEndpoint());
    // Act: one publish of every detail-type (two PutEvents calls of at most 10), then read every queue.
    await publishEvents(stack.aws.events, events, { busName: stack.handles.busName });
    for (const q of Object.values(stack.def.queues)) {
      received.set(
        q.id,
        (await receiveAll(stack.aws.sqs, stack.handles.queues[q.id].url)).map((m) => m.Body!),
      );
    }
  });

  it("exercises both routed and unrouted detail-types, and every rule", () => {
    expect(events.filter((e) => expectedQueues(e).length === 0).length).toBeGreaterThan(0);
    expect(events.filter((e) => expectedQueues(e).length > 1).length).toBeGreaterThan(0);
    for (const rule of stack.def.rules) expect(events.some((e) => expectedQueues(e).includes(rule.target))).toBe(true);
  });

  it("delivers each event to exactly the queues whose rules route it, once each", () => {
    for (const q of Object.values(stack.def.queues)) {
      const want = events.filter((e) => expectedQueues(e).includes(q.id)).map((e) => e.detail.eventId);
      const got = received.get(q.id)!.map((body) => parseDeliveredEvent(body).detail.eventId);
      expect(got.sort(), q.name).toEqual(want.sort());
    }
  });

  it("delivers an envelope that parses back to the published source, detail-type and detail", () => {
    const published = new Map(events.map((e) => [e.detail.eventId, e]));
    const bodies = [...received.values()].flat();
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const parsed = parseDeliveredEvent(body);
      const original = published.get(parsed.detail.eventId)!;
      expect(parsed.source).toBe(original.source);
      expect(parsed.detailType).toBe(original.detailType);
      expect(parsed.detail).toEqual(original.detail);
      expect(parsed.eventBridgeId).toMatch(/\S/);
    }
  });

  it("leaves every dead-letter queue empty", async () => {
    for (const q of Object.values(stack.def.queues)) {
      expect(await receiveAll(stack.aws.sqs, stack.handles.queues[q.id].dlqUrl), q.dlqName).toEqual([]);
    }
  });
});
