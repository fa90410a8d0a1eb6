import { BatchGetCommand, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import {
  BATCH_GET_LIMIT,
  BATCH_WRITE_LIMIT,
  batchGet,
  batchWrite,
  chunk,
  type DocClient,
  ThrottledError,
  UnprocessedItemsError,
  type WriteRequest,
} from "../src";

type Sent = { RequestItems: Record<string, unknown> };

/** A client whose replies are scripted per call; records what it was sent. Used only for retry paths moto cannot produce. */
function scripted(replies: ((input: Sent) => unknown)[]) {
  const sent: Sent[] = [];
  const doc = {
    send: async (command: { input: Sent }) => {
      sent.push(structuredClone(command.input));
      const reply = replies.shift();
      if (!reply) return {};
      return reply(command.input);
    },
  } as unknown as DocClient;
  return { doc, sent };
}

const puts = (n: number): WriteRequest[] => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { PK: `P#${i}`, SK: "S" } } }));
const noSleep = { sleep: async () => {}, random: () => 0.5 };

describe("chunk", () => {
  it("splits into chunks of at most n", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe("batchWrite", () => {
  it("sends 60 requests as 25 + 25 + 10", async () => {
    // Prepare
    const { doc, sent } = scripted([]);
    // Act
    const result = await batchWrite(doc, "t", puts(60), noSleep);
    // Assess
    expect(sent.map((s) => (s.RequestItems.t as unknown[]).length)).toEqual([25, 25, 10]);
    expect(result.calls).toBe(3);
    expect(BATCH_WRITE_LIMIT).toBe(25);
  });

  it("retries exactly the unprocessed items with growing, jittered waits", async () => {
    // Prepare: the first reply leaves two items unprocessed, the second one, the third none.
    const waits: number[] = [];
    const requests = puts(5);
    const { doc, sent } = scripted([
      () => ({ UnprocessedItems: { t: [requests[1], requests[3]] } }),
      () => ({ UnprocessedItems: { t: [requests[3]] } }),
      () => ({}),
    ]);
    // Act
    await batchWrite(doc, "t", requests, { sleep: async (ms) => void waits.push(ms), random: () => 0.5, baseDelayMs: 100 });
    // Assess
    expect(sent.map((s) => s.RequestItems.t)).toEqual([requests, [requests[1], requests[3]], [requests[3]]]);
    expect(waits).toEqual([50, 100]);
  });

  it("gives up after maxAttempts and names what is left", async () => {
    const requests = puts(3);
    const { doc, sent } = scripted(Array.from({ length: 10 }, () => () => ({ UnprocessedItems: { t: [requests[2]] } })));
    const err = await batchWrite(doc, "t", requests, { ...noSleep, maxAttempts: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessedItemsError);
    expect(err).toMatchObject({ code: "db.unprocessed_items", remaining: [{ PK: "P#2", SK: "S" }], attempts: 4 });
    expect(sent).toHaveLength(4);
  });

  it("maps throttling of the call itself to ThrottledError", async () => {
    const { doc } = scripted([
      () => {
        throw Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" });
      },
    ]);
    await expect(batchWrite(doc, "t", puts(1), noSleep)).rejects.toBeInstanceOf(ThrottledError);
  });

  it("sends BatchWriteCommand", async () => {
    const calls: unknown[] = [];
    const doc = {
      send: async (c: unknown) => {
        calls.push(c);
        return {};
      },
    } as unknown as DocClient;
    await batchWrite(doc, "t", puts(1));
    expect(calls[0]).toBeInstanceOf(BatchWriteCommand);
  });
});

describe("batchGet", () => {
  it("dedupes keys, chunks to 100 and retries UnprocessedKeys", async () => {
    // Prepare: 205 distinct keys (+1 duplicate); the first chunk leaves one key unprocessed.
    const keyList = Array.from({ length: 205 }, (_, i) => ({ PK: `P#${i}`, SK: "S" }));
    const sent: { RequestItems: { t: { Keys: { PK: string }[] } } }[] = [];
    const doc = {
      send: async (command: { input: (typeof sent)[number] }) => {
        expect(command).toBeInstanceOf(BatchGetCommand);
        sent.push(structuredClone(command.input));
        const asked = command.input.RequestItems.t.Keys;
        if (sent.length === 1) return { Responses: { t: asked.slice(1).map((k) => ({ ...k, v: 1 })) }, UnprocessedKeys: { t: { Keys: [asked[0]] } } };
        return { Responses: { t: asked.map((k) => ({ ...k, v: 1 })) } };
      },
    } as unknown as DocClient;
    // Act
    const { items, calls } = await batchGet(doc, "t", [...keyList, keyList[0]!], noSleep);
    // Assess
    expect(sent.map((s) => s.RequestItems.t.Keys.length)).toEqual([100, 1, 100, 5]);
    expect(calls).toBe(4);
    expect(items.map((i) => i.PK).sort()).toEqual(keyList.map((k) => k.PK).sort());
    expect(BATCH_GET_LIMIT).toBe(100);
  });
});
