import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FieldEncryptor } from "@expenzez/crypto";
import { INDEXES } from "@expenzez/infra";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { type BankConnection, bankConnectionEntity, bankConnectionSchema, CONNECTION_SEALED_FIELDS } from "../entities/bank-connection";
import { ConditionalCheckFailedError, VersionConflictError } from "../errors";
import { queryPage } from "../items";
import { isoUtc, keys, SK_PREFIX, SYNC_SHARDS, syncDuePk } from "../keys";
import { sealFields } from "../sealing";
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
     * Takes the sync lease if it is free, expired or already ours, and returns the connection as
     * it is under the lease (one write, no separate read); throws `ConditionalCheckFailedError`
     * when another worker holds it. Leaves `version` alone: the lease guards the run, the
     * version guards the data.
     */
    async acquireLease(userId: string, connectionId: string, owner: string, until: string, now: string): Promise<BankConnection> {
      const key = keys.connection(userId, connectionId);
      try {
        const out = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: "SET leaseOwner = :owner, leaseUntil = :until",
            ConditionExpression: "attribute_exists(PK) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now OR leaseOwner = :owner)",
            ExpressionAttributeValues: { ":owner": owner, ":until": isoUtc(until), ":now": isoUtc(now) },
            ReturnValues: "ALL_NEW",
          }),
        );
        return base.open(bankConnectionEntity.fromItem(out.Attributes ?? {}));
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConditionalCheckFailedError(key, `sync lease on ${connectionId} is held by another worker (or the connection is gone)`, { cause: err });
        rethrowAws(err, "UpdateItem");
      }
    },

    /** Extends our lease to `until`; false when it is no longer ours (taken over after it lapsed). */
    async renewLease(userId: string, connectionId: string, owner: string, until: string): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.connection(userId, connectionId),
            UpdateExpression: "SET leaseUntil = :until",
            ConditionExpression: "leaseOwner = :owner",
            ExpressionAttributeValues: { ":owner": owner, ":until": isoUtc(until) },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        rethrowAws(err, "UpdateItem");
      }
    },

    /**
     * Stores a refreshed token pair whatever else changed meanwhile (only the lease holder
     * refreshes, and the newest refresh token is the only one that works): no version or lease
     * condition, the version is bumped. Returns the connection as stored.
     */
    async storeTokens(
      connection: Pick<BankConnection, "userId" | "connectionId">,
      tokens: { accessToken: string; refreshToken: string; tokenExpiresAt: string },
      now: string,
    ): Promise<BankConnection> {
      const key = keys.connection(connection.userId, connection.connectionId);
      const sealed = await sealFields(encryptor, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, CONNECTION_SEALED_FIELDS, {
        userId: connection.userId,
        connectionId: connection.connectionId,
      });
      try {
        const out = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: "SET accessToken = :a, refreshToken = :r, tokenExpiresAt = :e, updatedAt = :now ADD version :one",
            ConditionExpression: "attribute_exists(PK)",
            ExpressionAttributeValues: { ":a": sealed.accessToken, ":r": sealed.refreshToken, ":e": tokens.tokenExpiresAt, ":now": now, ":one": 1 },
            ReturnValues: "ALL_NEW",
          }),
        );
        return base.open(bankConnectionEntity.fromItem(out.Attributes ?? {}));
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new ConditionalCheckFailedError(key, `connection ${connection.connectionId} is gone`, { cause: err });
        rethrowAws(err, "UpdateItem");
      }
    },

    /**
     * The versioned put that ends a leased run and releases the lease in the same write:
     * conditional on `expectedVersion` and on `leaseOwner` still being ours.
     */
    async finishLeased(value: BankConnection, expectedVersion: number, owner: string): Promise<BankConnection> {
      const { leaseOwner: _owner, leaseUntil: _until, ...rest } = value;
      const item = bankConnectionEntity.toItem({ ...(await base.seal({ ...rest, version: expectedVersion + 1 })) });
      const key = { PK: item.PK as string, SK: item.SK as string };
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: item,
            ConditionExpression: "#version = :expected AND leaseOwner = :owner",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":expected": expectedVersion, ":owner": owner },
          }),
        );
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new VersionConflictError(key, expectedVersion, undefined, { cause: err });
        rethrowAws(err, "PutItem");
      }
      return { ...rest, version: expectedVersion + 1 } as BankConnection;
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
