import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, isConditionalCheckFailed, keys } from "@expenzez/db";

/**
 * A lease on a scheduled task, as one item in the table: two processes (two local task hosts,
 * or an EventBridge Scheduler invocation delivered twice) never run one task at once. A holder
 * that dies loses the lock when `holdSeconds` run out.
 */
export async function acquireTaskLock(
  db: Db,
  task: string,
  holder: string,
  holdSeconds: number,
  now = new Date(),
): Promise<{ release(): Promise<void> } | undefined> {
  const until = new Date(now.getTime() + holdSeconds * 1000).toISOString();
  const key = keys.taskLock(task);
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...key, task, holder, lockedUntil: until, TTL: Math.floor(now.getTime() / 1000) + holdSeconds + 86_400 },
        ConditionExpression: "attribute_not_exists(PK) OR lockedUntil < :now",
        ExpressionAttributeValues: { ":now": now.toISOString() },
      }),
    );
  } catch (err) {
    if (isConditionalCheckFailed(err)) return undefined;
    throw err;
  }
  return {
    async release() {
      // Only our own lease: a takeover after ours lapsed is someone else's.
      await db.doc
        .send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: key,
            ConditionExpression: "holder = :holder AND lockedUntil = :until",
            ExpressionAttributeValues: { ":holder": holder, ":until": until },
          }),
        )
        .catch((err) => {
          if (!isConditionalCheckFailed(err)) throw err;
        });
    },
  };
}
