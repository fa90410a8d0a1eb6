import type { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { describe, expect, it } from "vitest";
import { buildEvent, EventValidationError, MAX_ENTRY_BYTES, PublishError, publishEvents, toPutEventsEntry } from "../src/index";

// A scripted client: moto never fails single entries, so partial failure is exercised here.
function scriptedClient(failFirstAttemptOf: Set<string>, alwaysFail = new Set<string>()) {
  const calls: string[][] = [];
  const seen = new Set<string>();
  const client = {
    send: async (command: PutEventsCommand) => {
      const entries = command.input.Entries ?? [];
      const ids = entries.map((e) => JSON.parse(e.Detail!).connectionId as string);
      calls.push(ids);
      const results = ids.map((id) => {
        const fail = alwaysFail.has(id) || (failFirstAttemptOf.has(id) && !seen.has(id));
        seen.add(id);
        return fail ? { ErrorCode: "InternalFailure", ErrorMessage: "try again" } : { EventId: `eb-${id}` };
      });
      return { FailedEntryCount: results.filter((r) => "ErrorCode" in r).length, Entries: results };
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}

const events = Array.from({ length: 23 }, (_, i) =>
  buildEvent("ConnectionSyncFailed", { userId: "u", connectionId: `c${i}`, errorCode: "x", retryable: true, attempts: 1 }),
);
const noSleep = async () => {};
/** A TransactionsSynced whose size is set by its merchants. */
const syncedWithMerchants = (merchants: string[]) =>
  buildEvent("TransactionsSynced", {
    userId: "u",
    connectionId: "c",
    syncId: "s",
    accountIds: ["a"],
    counts: { added: 1, modified: 0, removed: 0 },
    categories: [],
    merchants,
    range: null,
  });

describe("publishEvents", () => {
  it("sends at most 10 entries per call and retries only the failed ones", async () => {
    const { client, calls } = scriptedClient(new Set(["c3", "c15"]));
    await publishEvents(client, events, { busName: "bus", sleep: noSleep });
    expect(calls.map((c) => c.length)).toEqual([10, 1, 10, 1, 3]);
    expect(calls[1]).toEqual(["c3"]);
    expect(calls[3]).toEqual(["c15"]);
  });

  it("gives up after maxAttempts and names the events that failed", async () => {
    const { client, calls } = scriptedClient(new Set(), new Set(["c2"]));
    const attempt = publishEvents(client, events.slice(0, 5), { busName: "bus", sleep: noSleep, maxAttempts: 3 });
    await expect(attempt).rejects.toBeInstanceOf(PublishError);
    await attempt.catch((err: PublishError) => expect(err.failed.map((f) => f.eventId)).toEqual([events[2]!.detail.eventId]));
    expect(calls).toEqual([["c0", "c1", "c2", "c3", "c4"], ["c2"], ["c2"]]);
  });

  it("resends entries without an EventId when EventBridge counts failures it does not name", async () => {
    const calls: number[] = [];
    const client = {
      send: async (command: PutEventsCommand) => {
        const entries = command.input.Entries ?? [];
        calls.push(entries.length);
        // First answer: one failure counted, no entry list; then every entry accepted.
        if (calls.length === 1) return { FailedEntryCount: 1 };
        return { FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `eb-${i}` })) };
      },
    } as unknown as EventBridgeClient;
    await publishEvents(client, events.slice(0, 4), { busName: "bus", sleep: noSleep });
    expect(calls).toEqual([4, 4]);
  });

  it("counts an entry's size as EventBridge does, with 14 bytes for its Time", () => {
    const synced = (merchant: string) => syncedWithMerchants([merchant]);
    const sizeOf = (merchant: string) => {
      const entry = toPutEventsEntry(synced(merchant), "bus");
      return Buffer.byteLength(entry.Detail!) + Buffer.byteLength(entry.Source!) + Buffer.byteLength(entry.DetailType!);
    };
    const room = MAX_ENTRY_BYTES - 14 - sizeOf("");
    expect(toPutEventsEntry(synced("m".repeat(room)), "bus").Time).toBeInstanceOf(Date);
    // 10 bytes under the limit without Time, 4 over it with: EventBridge would refuse it on every attempt.
    expect(() => toPutEventsEntry(synced("m".repeat(room + 4)), "bus")).toThrow(EventValidationError);
  });

  it("refuses an entry over EventBridge's 256 KB before sending anything", async () => {
    const { client, calls } = scriptedClient(new Set());
    const huge = syncedWithMerchants(Array.from({ length: 30_000 }, (_, i) => `merchant number ${i}`));
    await expect(publishEvents(client, [huge], { busName: "bus", sleep: noSleep })).rejects.toBeInstanceOf(EventValidationError);
    expect(calls).toEqual([]);
  });
});
