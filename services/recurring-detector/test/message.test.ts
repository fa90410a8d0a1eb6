import { PermanentFailure } from "@expenzez/runtime";
import { describe, expect, it } from "vitest";
import { handleRecurringMessage, type RecurringDeps } from "../src";

// No I/O happens before the message is accepted: deps that throw on use prove it.
const untouchable = new Proxy(
  {},
  {
    get: () => {
      throw new Error("touched");
    },
  },
) as RecurringDeps;

describe("handleRecurringMessage", () => {
  it("sends an event it does not handle to the dead-letter queue without touching the table", async () => {
    const body = JSON.stringify({
      id: "eb-1",
      source: "expenzez.sync",
      "detail-type": "ConnectionReconnectRequired",
      detail: {
        version: 1,
        eventId: "0b7f6d0e-6a55-4d2a-9a43-0e3c4b1f2a10",
        occurredAt: "2024-06-10T07:00:00Z",
        userId: "u1",
        connectionId: "c1",
        reason: "invalid_grant",
      },
    });
    const err = await handleRecurringMessage({ body }, untouchable).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentFailure);
    expect(err).toMatchObject({ code: "recurring.unexpected_event" });
  });

  it("refuses a body that is not an EventBridge event as permanent", async () => {
    const err = await handleRecurringMessage({ body: "{not json" }, untouchable).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: false });
  });

  it("does nothing for a sync that touched no merchant", async () => {
    const body = JSON.stringify({
      id: "eb-2",
      source: "expenzez.sync",
      "detail-type": "TransactionsSynced",
      detail: {
        version: 1,
        eventId: "1b7f6d0e-6a55-4d2a-9a43-0e3c4b1f2a10",
        occurredAt: "2024-06-10T07:00:00Z",
        userId: "u1",
        connectionId: "c1",
        syncId: "s1",
        accountIds: ["a1"],
        counts: { added: 0, modified: 0, removed: 0 },
        categories: [],
        merchants: [],
        range: null,
      },
    });
    await expect(handleRecurringMessage({ body }, untouchable)).resolves.toEqual({ merchants: 0, streamsWritten: 0, events: 0, insights: 0 });
  });
});
