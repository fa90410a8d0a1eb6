import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { BACKFILL_PK_PREFIX, BATCH_WRITE_LIMIT, batchWrite, IDEMPOTENCY_SK, OUTBOX_SHARDS, outboxPk, userPk, type WriteRequest } from "@expenzez/db";
import type { OpsContext } from "./context";
import { allItems, pagesOf } from "./pages";

type Item = Record<string, unknown>;

export interface UserExport {
  userId: string;
  exportedAt: string;
  /** Every item of the user's partition as stored: sealed fields stay sealed. */
  items: Item[];
}

function partitionQuery(ctx: OpsContext, userId: string, options: { projection?: string; limit?: number } = {}) {
  return (startKey: Item | undefined) =>
    ctx.db.doc.send(
      new QueryCommand({
        TableName: ctx.db.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": userPk(userId) },
        ...(options.projection ? { ProjectionExpression: options.projection } : {}),
        ...(options.limit ? { Limit: options.limit } : {}),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
}

export async function exportUser(ctx: OpsContext, userId: string, now = new Date()): Promise<UserExport> {
  return { userId, exportedAt: now.toISOString(), items: await allItems(partitionQuery(ctx, userId)) };
}

/** Characters an id may continue with: `USER#u-1` inside `USER#u-10` is another user's key. */
const ID_CHARACTER = /[A-Za-z0-9_.@+-]/;

/** True when `text` holds `pk` as a whole key, not as the start of a longer id. */
function holdsKey(text: string, pk: string): boolean {
  for (let at = text.indexOf(pk); at !== -1; at = text.indexOf(pk, at + 1)) {
    const next = text[at + pk.length];
    if (next === undefined || !ID_CHARACTER.test(next)) return true;
  }
  return false;
}

/** True when any value of `value` (deep, including JSON text) is the user's id or partition key. */
export function namesUser(value: unknown, userId: string): boolean {
  const pk = userPk(userId);
  const visit = (v: unknown, depth: number): boolean => {
    if (depth > 8) return false;
    if (typeof v === "string") {
      if (v === userId || holdsKey(v, pk) || v.split("#").includes(userId)) return true;
      const t = v.trim();
      if ((t.startsWith("{") || t.startsWith("[")) && t.length < 400_000) {
        try {
          return visit(JSON.parse(t), depth + 1);
        } catch {
          return false;
        }
      }
      return false;
    }
    if (Array.isArray(v)) return v.some((x) => visit(x, depth + 1));
    if (v && typeof v === "object") return Object.values(v).some((x) => visit(x, depth + 1));
    return false;
  };
  return visit(value, 0);
}

export interface ErasePlan {
  userId: string;
  userItems: number;
  outbox: number;
  idempotency: number;
  /** Backfill checkpoint items naming the user (a step per connection, a header aimed at them). */
  checkpoints: number;
}

export interface EraseResult extends ErasePlan {
  dryRun: boolean;
}

/** Items one page of an erase reads: with a batch of deletes still short of 25, all it holds at once. */
export const ERASE_PAGE_ITEMS = 250;

/**
 * Deletes every item of the user's partition (profile, connections with their sealed tokens,
 * accounts, transactions, budgets, notifications...; GSI entries go with their items) and the
 * outbox, idempotency and backfill-checkpoint items that name the user. Outbox records go too: relaying them later
 * would announce data that no longer exists.
 *
 * It streams: each page read (at most `pageItems` items, and DynamoDB's 1 MB) is matched and its
 * keys queued for deletion in BatchWriteItems of 25 (unprocessed items retried) before the next
 * page is read, so a user with years of history, or a table of millions of idempotency records,
 * takes a page's worth of memory. Deleting is idempotent: a run that was interrupted leaves the
 * rest for a second run, which finds and deletes it (and counts only what it deleted).
 */
export async function eraseUser(ctx: OpsContext, userId: string, options: { dryRun?: boolean; pageItems?: number } = {}): Promise<EraseResult> {
  const dryRun = options.dryRun === true;
  const limit = options.pageItems ?? ERASE_PAGE_ITEMS;
  const result: EraseResult = { userId, dryRun, userItems: 0, outbox: 0, idempotency: 0, checkpoints: 0 };
  const deletes = deleteBatches(ctx, dryRun);

  for await (const page of pagesOf(partitionQuery(ctx, userId, { projection: "PK, SK", limit }))) {
    result.userItems += page.length;
    await deletes.add(page);
  }
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const shardPages = pagesOf((startKey) =>
      ctx.db.doc.send(
        new QueryCommand({
          TableName: ctx.db.tableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": outboxPk(shard) },
          Limit: limit,
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for await (const page of shardPages) {
      const naming = page.filter((i) => namesUser(i.detail, userId));
      result.outbox += naming.length;
      await deletes.add(naming);
    }
  }
  // Idempotency records and backfill checkpoints have no index by user: one scan filtered to
  // both, matched on key and stored result.
  const unindexed = pagesOf((startKey) =>
    ctx.db.doc.send(
      new ScanCommand({
        TableName: ctx.db.tableName,
        FilterExpression: "SK = :idemp OR begins_with(PK, :backfill)",
        ExpressionAttributeValues: { ":idemp": IDEMPOTENCY_SK, ":backfill": BACKFILL_PK_PREFIX },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  for await (const page of unindexed) {
    const naming = page.filter((i) => namesUser(i, userId));
    for (const i of naming) {
      if (i.SK === IDEMPOTENCY_SK) result.idempotency++;
      else result.checkpoints++;
    }
    await deletes.add(naming);
  }
  await deletes.flush();
  return result;
}

/**
 * Deletes keys in BatchWriteItems of 25 as they are added; holds fewer than 25 between calls.
 * With `dryRun`, holds and deletes nothing.
 */
function deleteBatches(ctx: OpsContext, dryRun: boolean): { add(items: readonly Item[]): Promise<void>; flush(): Promise<void> } {
  let pending: WriteRequest[] = [];
  const send = (requests: WriteRequest[]) => batchWrite(ctx.db.doc, ctx.db.tableName, requests);
  return {
    async add(items) {
      if (dryRun) return;
      for (const i of items) pending.push({ DeleteRequest: { Key: { PK: String(i.PK), SK: String(i.SK) } } });
      const whole = pending.length - (pending.length % BATCH_WRITE_LIMIT);
      if (whole === 0) return;
      const ready = pending.slice(0, whole);
      pending = pending.slice(whole);
      await send(ready);
    },
    async flush() {
      if (pending.length === 0) return;
      const rest = pending;
      pending = [];
      await send(rest);
    },
  };
}
