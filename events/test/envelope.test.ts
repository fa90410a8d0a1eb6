import { describe, expect, it } from "vitest";
import { buildEvent, EventValidationError, parseDeliveredEvent, SOURCES, withCorrelationId } from "../src/index";

const userId = "user-1";

describe("buildEvent", () => {
  it("fills version, eventId and occurredAt and validates the detail", () => {
    const event = buildEvent("ConnectionSyncFailed", {
      userId,
      connectionId: "conn-1",
      errorCode: "truelayer.provider_error",
      retryable: true,
      attempts: 3,
    });
    expect(event.source).toBe(SOURCES.sync);
    expect(event.detail.version).toBe(1);
    expect(event.detail.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(event.detail.occurredAt)).not.toBeNaN();
  });

  it("keeps a given eventId so a re-publish is recognisable", () => {
    const eventId = "6f1c1f5e-8a2b-4a5e-9a59-2d0f7b0f4c11";
    const event = buildEvent("BudgetPeriodClosed", {
      eventId,
      userId,
      budgetId: "b1",
      category: "groceries",
      period: { start: "2026-10-01", end: "2026-10-31" },
      spentMinor: 12345,
      limitMinor: 20000,
      currency: "GBP",
    });
    expect(event.detail.eventId).toBe(eventId);
  });

  it("rejects a detail that breaks its schema, naming the field", () => {
    const bad = () =>
      buildEvent("BudgetThresholdCrossed", {
        userId,
        budgetId: "b1",
        category: "groceries",
        period: { start: "2026-10-01", end: "2026-10-31" },
        thresholdPercent: 80,
        spentMinor: 12.5, // pence must be whole
        limitMinor: 20000,
        currency: "GBP",
      });
    expect(bad).toThrow(EventValidationError);
    try {
      bad();
    } catch (err) {
      expect((err as EventValidationError).issues.join()).toContain("spentMinor");
    }
  });
});

describe("parseDeliveredEvent", () => {
  const event = buildEvent("RecurringPaymentMissed", {
    userId,
    streamId: "s1",
    merchant: "Netflix",
    frequency: "monthly",
    expectedOn: "2026-11-03",
    amountMinor: 1099,
    currency: "GBP",
  });
  const body = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ id: "eb-1", source: event.source, "detail-type": event.detailType, time: "2026-11-03T00:00:00Z", detail: event.detail, ...over });

  it("returns the typed event", () => {
    const parsed = parseDeliveredEvent(body());
    expect(parsed.detailType).toBe("RecurringPaymentMissed");
    expect(parsed.detail).toEqual(event.detail);
    expect(parsed.eventBridgeId).toBe("eb-1");
  });

  it.each([
    ["not JSON", "{"],
    ["unknown detail-type", body({ "detail-type": "Nope" })],
    ["wrong source", body({ source: "expenzez.budgets" })],
    ["bad detail", body({ detail: { ...event.detail, amountMinor: "10.99" } })],
    ["no envelope", JSON.stringify(event.detail)],
  ])("rejects %s with a typed error", (_name, text) => {
    expect(() => parseDeliveredEvent(text)).toThrow(EventValidationError);
  });
});

describe("withCorrelationId", () => {
  const event = buildEvent("RecurringPaymentMissed", {
    userId: "u1",
    streamId: "s1",
    merchant: "Gym",
    frequency: "monthly",
    currency: "GBP",
    expectedOn: "2026-11-01",
    amountMinor: 2500,
  });

  it("sets the cause's correlation id on an event that has none, and keeps one it has", () => {
    expect(withCorrelationId(event, "req-1").detail.correlationId).toBe("req-1");
    expect(withCorrelationId(withCorrelationId(event, "req-1"), "req-2").detail.correlationId).toBe("req-1");
    expect(withCorrelationId(event, undefined)).toBe(event);
  });
});
