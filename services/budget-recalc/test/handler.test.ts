import { buildEvent } from "@expenzez/events";
import { describe, expect, it } from "vitest";
import { InvalidBudgetEventError, requestOf } from "../src";

const received = <E extends ReturnType<typeof buildEvent>>(e: E) => ({ ...e, eventBridgeId: "eb-1" }) as Parameters<typeof requestOf>[0];

describe("what an event asks budget-recalc to do", () => {
  it("turns a sync's categories and UTC booking dates into an instant range", () => {
    const event = buildEvent("TransactionsSynced", {
      userId: "u1",
      connectionId: "c1",
      syncId: "s1",
      accountIds: ["a1"],
      counts: { added: 2, modified: 0, removed: 0 },
      categories: ["groceries", "transport"],
      merchants: [],
      range: { from: "2024-03-30", to: "2024-03-31" },
    });
    expect(requestOf(received(event))).toEqual({
      userId: "u1",
      categories: ["groceries", "transport"],
      range: { from: "2024-03-30T00:00:00.000Z", to: "2024-04-01T00:00:00.000Z" },
      cause: event.detail.eventId,
    });
  });

  it("carries the sync's correlation id into the events it emits, when the sync had one", () => {
    const event = buildEvent("TransactionsSynced", {
      userId: "u1",
      connectionId: "c1",
      syncId: "s1",
      correlationId: "req-42",
      accountIds: ["a1"],
      counts: { added: 1, modified: 0, removed: 0 },
      categories: ["groceries"],
      merchants: [],
      range: { from: "2024-03-30", to: "2024-03-30" },
    });
    expect(requestOf(received(event))?.cause).toBe("req-42");
  });

  it("has nothing to do for a sync that changed nothing, and refuses events for other consumers", () => {
    const quiet = buildEvent("TransactionsRecategorised", { userId: "u1", ruleId: null, transactionIds: [], categories: [], range: null });
    expect(requestOf(received(quiet))).toBeUndefined();
    const other = buildEvent("ConnectionSyncFailed", { userId: "u1", connectionId: "c1", errorCode: "x", retryable: false, attempts: 1 });
    expect(() => requestOf(received(other))).toThrow(InvalidBudgetEventError);
  });
});
