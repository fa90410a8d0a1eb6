import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { keys, OUTBOX_SHARDS, outboxPk } from "@expenzez/db";
import type { CheckInput } from "./types";

/** A raw table item: the checker reads attributes itself, never through the services' entity parsers. */
export type Item = Record<string, unknown>;

async function queryAll(table: CheckInput["table"], pk: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ExclusiveStartKey: start,
        // A check after a drain must see every committed write.
        ConsistentRead: true,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every item in a user's partition (key strings come from the one key builder module). */
export function userPartition(table: CheckInput["table"], userId: string): Promise<Item[]> {
  return queryAll(table, keys.profile(userId).PK);
}

/** Every outbox record still waiting to be published, across the shards. */
export async function outboxLeft(table: CheckInput["table"]): Promise<Item[]> {
  const shards = await Promise.all(Array.from({ length: OUTBOX_SHARDS }, (_, shard) => queryAll(table, outboxPk(shard))));
  return shards.flat();
}
