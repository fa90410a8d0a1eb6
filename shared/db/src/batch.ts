import { BatchGetCommand, type BatchGetCommandOutput, BatchWriteCommand, type BatchWriteCommandOutput } from "@aws-sdk/lib-dynamodb";
import { rethrowAws } from "./aws-errors";
import type { Item } from "./entity";
import { UnprocessedItemsError } from "./errors";
import type { TableKey } from "./keys";
import { type BackoffOptions, backoffDelay, chunk, defaultSleep } from "./retry";
import type { DocClient } from "./table";

/** DynamoDB's per-call limits. */
export const BATCH_WRITE_LIMIT = 25;
export const BATCH_GET_LIMIT = 100;

export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: TableKey } };

export interface BatchResult {
  /** BatchWriteItem/BatchGetItem calls made, retries included. */
  calls: number;
}

/**
 * Writes any number of puts/deletes in chunks of 25, retrying `UnprocessedItems` with
 * exponential backoff and jitter; throws `UnprocessedItemsError` naming what is left.
 * Not atomic: use `transactWrite` when items must land together.
 *
 * @example await batchWrite(aws.doc, tableName, items.map((Item) => ({ PutRequest: { Item } })))
 */
export async function batchWrite(doc: DocClient, tableName: string, requests: readonly WriteRequest[], options: BackoffOptions = {}): Promise<BatchResult> {
  let calls = 0;
  for (const part of chunk(requests, BATCH_WRITE_LIMIT)) {
    calls += await untilProcessed("BatchWriteItem", part, writeKey, options, async (pending) => {
      let out: BatchWriteCommandOutput;
      try {
        out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      } catch (err) {
        rethrowAws(err, "BatchWriteItem");
      }
      return (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    });
  }
  return { calls };
}

/**
 * Reads any number of keys in chunks of 100 (duplicates removed), retrying `UnprocessedKeys`
 * with backoff; returns the items found, in no particular order.
 *
 * @example const { items } = await batchGet(aws.doc, tableName, ids.map((id) => keys.account(userId, id)))
 */
export async function batchGet(
  doc: DocClient,
  tableName: string,
  keyList: readonly TableKey[],
  options: BackoffOptions & { consistent?: boolean } = {},
): Promise<{ items: Item[] } & BatchResult> {
  const unique = [...new Map(keyList.map((k) => [`${k.PK}\u0000${k.SK}`, { PK: k.PK, SK: k.SK }])).values()];
  const items: Item[] = [];
  let calls = 0;
  for (const part of chunk(unique, BATCH_GET_LIMIT)) {
    calls += await untilProcessed(
      "BatchGetItem",
      part,
      (k) => k,
      options,
      async (pending) => {
        let out: BatchGetCommandOutput;
        try {
          out = await doc.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistent ?? false } } }));
        } catch (err) {
          rethrowAws(err, "BatchGetItem");
        }
        items.push(...(out.Responses?.[tableName] ?? []));
        return (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as TableKey[];
      },
    );
  }
  return { items, calls };
}

/** Calls `attempt` with what is still pending until nothing is, backing off between calls; returns the number of calls. */
async function untilProcessed<T>(
  operation: "BatchWriteItem" | "BatchGetItem",
  first: T[],
  keyOf: (request: T) => TableKey,
  options: BackoffOptions,
  attempt: (pending: T[]) => Promise<T[]>,
): Promise<number> {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? defaultSleep;
  let pending = first;
  for (let n = 1; ; n++) {
    pending = await attempt(pending);
    if (pending.length === 0) return n;
    if (n >= maxAttempts) throw new UnprocessedItemsError(operation, pending.map(keyOf), n);
    await sleep(backoffDelay(n, options));
  }
}

function writeKey(request: WriteRequest): TableKey {
  if ("PutRequest" in request) return { PK: String(request.PutRequest.Item.PK), SK: String(request.PutRequest.Item.SK) };
  return request.DeleteRequest.Key;
}
