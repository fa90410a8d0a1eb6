import { DeleteCommand, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, idempotencyRecordEntity, isConditionalCheckFailed, keys } from "@expenzez/db";
import { DeferMessage } from "./defer";

/** A delivery that finds a live claim first comes back after this long, then twice as long each time. */
const CLAIM_FIRST_WAIT_SECONDS = 2;

export interface IdempotencyOptions {
  /** The consumer's name: keys are per consumer, so two consumers may handle the same event. */
  consumer: string;
  /** What makes a delivery the same: an event's `detail.eventId`, a job's id. */
  key: string;
  /** How long a completed record is kept (DynamoDB TTL). Default 7 days, past SQS's 4-day retention. */
  ttlSeconds?: number;
  /** How long a claim protects a running handler; after it, a crashed run's claim lapses. */
  leaseSeconds?: number;
  now?: () => Date;
}

export interface OnceResult<T> {
  result: T;
  /** True when an earlier delivery already did the work and this one only replayed its result. */
  replayed: boolean;
}

/**
 * Runs `fn` at most once to completion per (consumer, key), across processes and machines:
 * a conditional put claims the key, a completed record replays the stored result, a claim
 * held by a live run defers this delivery until the claim ends (`DeferMessage`, a RetryLater
 * that spends no receive), a failed run releases it.
 * `fn`'s result must be JSON-serialisable.
 *
 * @example
 * await runOnce(db, { consumer: "budget-recalc", key: event.detail.eventId }, () => recalc(event));
 */
export async function runOnce<T>(db: Db, options: IdempotencyOptions, fn: () => Promise<T>): Promise<OnceResult<T>> {
  const now = options.now?.() ?? new Date();
  const leaseSeconds = options.leaseSeconds ?? 300;
  const key = keys.idempotency(options.consumer, options.key);
  // A takeover's lease ends after the lapsed one's, so `inProgressUntil` tells this claim from any other.
  const claimedUntil = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const record = {
    consumer: options.consumer,
    key: options.key,
    expiresAt: Math.floor(now.getTime() / 1000) + (options.ttlSeconds ?? 7 * 86_400),
    createdAt: now.toISOString(),
  };
  const claim = idempotencyRecordEntity.toItem({ ...record, status: "in_progress", inProgressUntil: claimedUntil, updatedAt: now.toISOString() });
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: claim,
        // New key, or a claim whose run died (its lease ran out).
        ConditionExpression: "attribute_not_exists(PK) OR (#status = :inProgress AND #until < :now)",
        ExpressionAttributeNames: { "#status": "status", "#until": "inProgressUntil" },
        ExpressionAttributeValues: { ":inProgress": "in_progress", ":now": now.toISOString() },
      }),
    );
  } catch (err) {
    if (!isConditionalCheckFailed(err)) throw err;
    const found = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
    const existing = found.Item ? idempotencyRecordEntity.fromItem(found.Item) : undefined;
    if (existing?.status === "completed") {
      return { result: (existing.result === undefined ? undefined : JSON.parse(existing.result)) as T, replayed: true };
    }
    const waitSeconds = existing?.inProgressUntil ? Math.max(1, Math.ceil((Date.parse(existing.inProgressUntil) - now.getTime()) / 1000)) : 1;
    // Waiting for another delivery is no failure of this one: a deferral spends no receive. (A
    // killed consumer's claim outlives its message's return, so a retry here cost every kill a
    // second receive, and events reached their DLQ under kills: the fault suite.) Most runs take
    // a second: the first waits are short, doubling up to the claim's remaining term.
    throw new DeferMessage("runtime.idempotency_in_progress", `${options.consumer}/${options.key} is being handled by another delivery`, waitSeconds, {
      firstWaitSeconds: CLAIM_FIRST_WAIT_SECONDS,
    });
  }

  let result: T;
  try {
    result = await fn();
  } catch (err) {
    // Release our claim so the retry can run at once; a claim another delivery took over after
    // our lease lapsed is theirs, and stays.
    await db.doc
      .send(
        new DeleteCommand({
          TableName: db.tableName,
          Key: key,
          ConditionExpression: "#status = :inProgress AND #until = :claimedUntil",
          ExpressionAttributeNames: { "#status": "status", "#until": "inProgressUntil" },
          ExpressionAttributeValues: { ":inProgress": "in_progress", ":claimedUntil": claimedUntil },
        }),
      )
      .catch(() => {});
    throw err;
  }
  // The whole record, not an update of the claim: the work is done whatever became of the claim
  // meanwhile (taken over, released by a failed takeover), and a partial item would fail validation.
  const completedAt = (options.now?.() ?? new Date()).toISOString();
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: idempotencyRecordEntity.toItem({ ...record, status: "completed", result: JSON.stringify(result ?? null), updatedAt: completedAt }),
    }),
  );
  return { result, replayed: false };
}
