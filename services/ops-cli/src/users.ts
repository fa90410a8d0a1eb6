import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { BACKFILL_PK_PREFIX, batchWrite, IDEMPOTENCY_SK, OUTBOX_SHARDS, outboxPk, userPk } from "@expenzez/db";
import type { OpsContext } from "./context";
import { allItems } from "./pages";

type Item = Record<string, unknown>;

export interface UserExport {
  userId: string;
  exportedAt: string;
  /** Every item of the user's partition as stored: sealed fields stay sealed. */
  items: Item[];
}

async function partitionItems(ctx: OpsContext, userId: string, projection?: string): Promise<Item[]> {
  return allItems((startKey) =>
    ctx.db.doc.send(
      new QueryCommand({
        TableName: ctx.db.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": userPk(userId) },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    ),
  );
}

export async function exportUser(ctx: OpsContext, userId: string, now = new Date()): Promise<UserExport> {
  return { userId, exportedAt: now.toISOString(), items: await partitionItems(ctx, userId) };
}

/** True when any value of `value` (deep, including JSON text) is the user's id or partition key. */
export function namesUser(value: unknown, userId: string): boolean {
  const pk = userPk(userId);
  const visit = (v: unknown, depth: number): boolean => {
    if (depth > 8) return false;
    if (typeof v === "string") {
      if (v === userId || v.includes(pk) || v.split("#").includes(userId)) return true;
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

async function outboxNaming(ctx: OpsContext, userId: string): Promise<Item[]> {
  const found: Item[] = [];
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const records = await allItems((startKey) =>
      ctx.db.doc.send(
        new QueryCommand({
          TableName: ctx.db.tableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": outboxPk(shard) },
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    found.push(...records.filter((i) => namesUser(i.detail, userId)));
  }
  return found;
}

/**
 * Idempotency records and backfill checkpoints have no index by user: one scan filtered to both,
 * matched on key and stored result.
 */
async function unindexedNaming(ctx: OpsContext, userId: string): Promise<{ idempotency: Item[]; checkpoints: Item[] }> {
  const found = { idempotency: [] as Item[], checkpoints: [] as Item[] };
  const unindexed = await allItems((startKey) =>
    ctx.db.doc.send(
      new ScanCommand({
        TableName: ctx.db.tableName,
        FilterExpression: "SK = :idemp OR begins_with(PK, :backfill)",
        ExpressionAttributeValues: { ":idemp": IDEMPOTENCY_SK, ":backfill": BACKFILL_PK_PREFIX },
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  for (const i of unindexed) {
    if (!namesUser(i, userId)) continue;
    (i.SK === IDEMPOTENCY_SK ? found.idempotency : found.checkpoints).push(i);
  }
  return found;
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

/**
 * Deletes every item of the user's partition (profile, connections with their sealed tokens,
 * accounts, transactions, budgets, notifications...; GSI entries go with their items) and the
 * outbox, idempotency and backfill-checkpoint items that name the user. Outbox records go too: relaying them later
 * would announce data that no longer exists.
 */
export async function eraseUser(ctx: OpsContext, userId: string, options: { dryRun?: boolean } = {}): Promise<EraseResult> {
  const own = await partitionItems(ctx, userId, "PK, SK");
  const outbox = await outboxNaming(ctx, userId);
  const { idempotency, checkpoints } = await unindexedNaming(ctx, userId);
  const result: EraseResult = {
    userId,
    dryRun: options.dryRun === true,
    userItems: own.length,
    outbox: outbox.length,
    idempotency: idempotency.length,
    checkpoints: checkpoints.length,
  };
  if (options.dryRun) return result;
  const deletes = [...own, ...outbox, ...idempotency, ...checkpoints].map((i) => ({ DeleteRequest: { Key: { PK: String(i.PK), SK: String(i.SK) } } }));
  await batchWrite(ctx.db.doc, ctx.db.tableName, deletes);
  return result;
}
