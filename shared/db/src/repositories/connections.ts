import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FieldEncryptor } from "@expenzez/crypto";
import { INDEXES } from "@expenzez/infra";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { type BankConnection, bankConnectionEntity, bankConnectionSchema, CONNECTION_SEALED_FIELDS } from "../entities/bank-connection";
import { ConditionalCheckFailedError } from "../errors";
import { queryPage } from "../items";
import { isoUtc, keys, SK_PREFIX, SYNC_SHARDS, syncDuePk } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { sealedRepository } from "./sealed-repository";

/** What the scheduler needs from GSI4: which connection is due, no secrets. */
export interface DueConnection {
  userId: string;
  connectionId: string;
  nextSyncAt: string;
  shard: number;
}

/**
 * Bank connections. Tokens are sealed on the way in and opened on the way out: callers
 * see plaintext, the table never does.
 */
export function connectionRepository(db: Db, encryptor: FieldEncryptor) {
  const base = sealedRepository(db, encryptor, {
    plainSchema: bankConnectionSchema,
    entity: bankConnectionEntity,
    fields: CONNECTION_SEALED_FIELDS,
    contextOf: (c) => ({ userId: c.userId, connectionId: c.connectionId }),
    skPrefix: SK_PREFIX.connection,
  });

  /** One page of one GSI4 shard: active connections with `nextSyncAt <= now`, oldest first. */
  async function listDue(shard: number, now: string, options: PageOptions = {}): Promise<Page<DueConnection>> {
    const page = await queryPage(
      db,
      bankConnectionEntity,
      `gsi4:${shard}`,
      {
        IndexName: INDEXES.syncDue.name,
        KeyConditionExpression: "#pk = :shard AND #sk <= :now",
        ExpressionAttributeNames: { "#pk": INDEXES.syncDue.partitionKey, "#sk": INDEXES.syncDue.sortKey },
        ExpressionAttributeValues: { ":shard": syncDuePk(shard), ":now": isoUtc(now) },
      },
      options,
    );
    return {
      items: page.items.map((c) => ({ userId: c.userId, connectionId: c.connectionId, nextSyncAt: c.nextSyncAt ?? now, shard })),
      cursor: page.cursor,
    };
  }

  return {
    ...base,
    get: (userId: string, connectionId: string): Promise<BankConnection | undefined> => base.getByKey(keys.connection(userId, connectionId)),
    listDue,

    /** Due connections across all 16 shards (each shard read to the end, up to `limitPerShard`). */
    async listAllDue(now: string, options: { limitPerShard?: number } = {}): Promise<DueConnection[]> {
      const cap = options.limitPerShard ?? 1000;
      const perShard = await Promise.all(
        Array.from({ length: SYNC_SHARDS }, async (_, shard) => {
          const due: DueConnection[] = [];
          let cursor: string | undefined;
          do {
            const page = await listDue(shard, now, { limit: Math.min(cap - due.length, 1000), cursor });
            due.push(...page.items);
            cursor = page.cursor;
          } while (cursor && due.length < cap);
          return due;
        }),
      );
      return perShard.flat();
    },

    /**
     * Takes the sync lease if it is free, expired or already ours; throws
     * `ConditionalCheckFailedError` when another worker holds it. Leaves `version` alone: the
     * lease guards the run, the version guards the data.
     */
    async acquireLease(userId: string, connectionId: string, owner: string, until: string, now: string): Promise<void> {
      const key = keys.connection(userId, connectionId);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: "SET leaseOwner = :owner, leaseUntil = :until",
            ConditionExpression: "attribute_exists(PK) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now OR leaseOwner = :owner)",
            ExpressionAttributeValues: { ":owner": owner, ":until": isoUtc(until), ":now": isoUtc(now) },
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConditionalCheckFailedError(key, `sync lease on ${connectionId} is held by another worker (or the connection is gone)`, { cause: err });
        rethrowAws(err, "UpdateItem");
      }
    },

    /** Releases our lease; a lease already taken over by another worker is left alone. */
    async releaseLease(userId: string, connectionId: string, owner: string): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.connection(userId, connectionId),
            UpdateExpression: "REMOVE leaseOwner, leaseUntil",
            ConditionExpression: "leaseOwner = :owner",
            ExpressionAttributeValues: { ":owner": owner },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        rethrowAws(err, "UpdateItem");
      }
    },
  };
}

export type ConnectionRepository = ReturnType<typeof connectionRepository>;
