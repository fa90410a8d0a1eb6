import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FieldEncryptor } from "@expenzez/crypto";
import { INDEXES } from "@expenzez/resources";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import {
  type BankConnection,
  type BankConnectionInput,
  bankConnectionEntity,
  bankConnectionSchema,
  CONNECTION_SEALED_FIELDS,
  type StoredBankConnection,
  type TokenFault,
} from "../entities/bank-connection";
import { ConditionalCheckFailedError, VersionConflictError } from "../errors";
import { getEntity, type InvalidItem, queryPageChecked, updateVersioned } from "../items";
import { gsi1Credentials, gsi4SyncDue, isoUtc, keys, SK_PREFIX, SYNC_SHARDS, syncDuePk } from "../keys";
import { sealFields } from "../sealing";
import type { Db, Page, PageOptions } from "../table";
import type { TransactAction } from "../transact";
import { markUserHasRules, ruleRepository } from "./rules";
import { sealedRepository } from "./sealed-repository";

/** What the scheduler needs from GSI4: which connection is due, no secrets. */
export interface DueConnection {
  userId: string;
  connectionId: string;
  nextSyncAt: string;
  shard: number;
  /** The schedule-relevant rest of the item (lease, stats, PSD2 count, consent); never the sealed tokens. */
  schedule: Omit<StoredBankConnection, "accessToken" | "refreshToken">;
}

/** Why a "refresh now" was not queued: one is queued already, or a sync completed moments ago. */
export type RefreshRefusal =
  | { reason: "queued"; jobId: string; until: string }
  | { reason: "recent"; lastSyncAt: string }
  | { reason: "not_active" }
  /** Parked by a fault of its sealed tokens (ADR 0073): a job could only go to the DLQ. */
  | { reason: "suspended"; since: string };

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

  /**
   * One page of one GSI4 shard: active connections with `nextSyncAt <= now`, oldest first. An item
   * that fails its schema is in `invalid` (by key), not a failed page: one bad connection must not
   * stop the scheduler from queuing every other one.
   */
  async function listDue(shard: number, now: string, options: PageOptions = {}): Promise<Page<DueConnection> & { invalid: InvalidItem[] }> {
    const page = await queryPageChecked(
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
      items: page.items.map(({ accessToken: _a, refreshToken: _r, ...schedule }) => ({
        userId: schedule.userId,
        connectionId: schedule.connectionId,
        nextSyncAt: schedule.nextSyncAt ?? now,
        shard,
        schedule,
      })),
      invalid: page.invalid,
      cursor: page.cursor,
    };
  }

  /**
   * Moves a connection's due time from `seen` (as read from GSI4) to `next`, only if it still is
   * `seen` and the connection is active: the scheduler's claim on one slot. Leaves `version`
   * alone (like the lease), so a sync in flight is not made to conflict; its own put sets the
   * next due time anyway. False when another scheduler (or a sync) moved it first.
   */
  async function moveDue(userId: string, connectionId: string, seen: string, next: string, extra: Record<string, unknown> = {}): Promise<boolean> {
    const gsi = gsi4SyncDue(connectionId, next);
    const names: Record<string, string> = { "#status": "status", "#sk": INDEXES.syncDue.sortKey };
    const values: Record<string, unknown> = { ":active": "active", ":seen": isoUtc(seen), ":next": isoUtc(next), ":gsk": gsi.GSI4SK };
    const sets = ["nextSyncAt = :next", "#sk = :gsk"];
    Object.entries(extra).forEach(([name, value], i) => {
      names[`#x${i}`] = name;
      values[`:x${i}`] = value;
      sets.push(`#x${i} = :x${i}`);
    });
    try {
      await db.doc.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: keys.connection(userId, connectionId),
          UpdateExpression: `SET ${sets.join(", ")}`,
          ConditionExpression: "attribute_exists(PK) AND #status = :active AND #sk = :seen",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      rethrowAws(err, "UpdateItem");
    }
  }

  /** Releases our lease; a lease already taken over by another worker is left alone. */
  async function releaseLease(userId: string, connectionId: string, owner: string): Promise<boolean> {
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
  }

  /** The put that ends a leased run, releasing the lease: conditional on the version and on the lease being ours. */
  async function finishLeasedAction(
    value: BankConnection,
    expectedVersion: number,
    owner: string,
  ): Promise<TransactAction & { Put: NonNullable<TransactAction["Put"]> & { Item: Record<string, unknown> } }> {
    // A run that finishes opened the tokens: a fault recorded on them is over (ADR 0073).
    const { leaseOwner: _owner, leaseUntil: _until, tokenFault: _fault, ...rest } = value;
    const item = bankConnectionEntity.toItem({ ...(await base.seal({ ...rest, version: expectedVersion + 1 })) });
    return {
      Put: {
        TableName: db.tableName,
        Item: item,
        ConditionExpression: "#version = :expected AND leaseOwner = :owner",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":expected": expectedVersion, ":owner": owner },
      },
    };
  }

  return {
    ...base,

    /**
     * Stores a new connection with `hasRules` known, so its first sync reads no rules for a user
     * who has none: the put says `false`, then one read looks for a rule and marks it `true` if
     * there is one. A rule stored concurrently is either seen here or, stored after this read, marks
     * this connection itself (`ruleRepository.putNew` marks after its put).
     */
    async create(value: BankConnectionInput): Promise<BankConnection> {
      const stored = await base.putNew({ ...value, hasRules: false });
      if (!(await ruleRepository(db).any(stored.userId))) return stored;
      await markUserHasRules(db, stored.userId);
      return (await base.getByKey(keys.connection(stored.userId, stored.connectionId))) ?? stored;
    },

    get: (userId: string, connectionId: string): Promise<BankConnection | undefined> => base.getByKey(keys.connection(userId, connectionId)),
    listDue,
    moveDue,

    /**
     * The connection without its tokens, read without a KMS call: for callers that only need its
     * status and schedule (the webhook), so they need no decrypt permission.
     */
    async peek(userId: string, connectionId: string): Promise<Omit<StoredBankConnection, "accessToken" | "refreshToken"> | undefined> {
      const stored = await getEntity(db, bankConnectionEntity, keys.connection(userId, connectionId));
      if (!stored) return undefined;
      const { accessToken: _a, refreshToken: _r, ...rest } = stored;
      return rest;
    },

    /** The connection TrueLayer names by its credentials id (GSI1), or undefined. */
    async findByCredentialsId(credentialsId: string): Promise<{ userId: string; connectionId: string } | undefined> {
      const gsi = gsi1Credentials(credentialsId);
      const found = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: INDEXES.byEmail.name,
          KeyConditionExpression: "#pk = :pk AND #sk = :sk",
          ExpressionAttributeNames: { "#pk": INDEXES.byEmail.partitionKey, "#sk": INDEXES.byEmail.sortKey },
          ExpressionAttributeValues: { ":pk": gsi.GSI1PK, ":sk": gsi.GSI1SK },
          Limit: 1,
        }),
      );
      const item = found.Items?.[0];
      return item ? { userId: String(item.userId), connectionId: String(item.connectionId) } : undefined;
    },

    /**
     * Records a queued "refresh now" job, unless one is queued already (since the last completed
     * sync, and not lapsed) or a sync completed after `recentSince`. One conditional update, so
     * two requests at once queue one job. Returns the refusal, or undefined when recorded.
     */
    async markRefreshQueued(
      userId: string,
      connectionId: string,
      job: { jobId: string; at: string; until: string },
      recentSince: string,
    ): Promise<RefreshRefusal | undefined> {
      const key = keys.connection(userId, connectionId);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: "SET refreshQueued = :job",
            ConditionExpression:
              "attribute_exists(PK) AND #status = :active AND (attribute_not_exists(tokenFault) OR tokenFault.#fault <> :record) AND " +
              "(attribute_not_exists(lastSyncAt) OR lastSyncAt <= :recent) AND " +
              "(attribute_not_exists(refreshQueued) OR refreshQueued.#until <= :at OR (attribute_exists(lastSyncAt) AND refreshQueued.#at < lastSyncAt))",
            ExpressionAttributeNames: { "#status": "status", "#until": "until", "#at": "at", "#fault": "fault" },
            ExpressionAttributeValues: {
              ":job": { jobId: job.jobId, at: isoUtc(job.at), until: isoUtc(job.until) },
              ":active": "active",
              ":record": "record",
              ":recent": isoUtc(recentSince),
              ":at": isoUtc(job.at),
            },
          }),
        );
        return undefined;
      } catch (err) {
        if (!isConditionalCheckFailed(err)) rethrowAws(err, "UpdateItem");
        const current = await getEntity(db, bankConnectionEntity, key);
        if (current?.status !== "active") return { reason: "not_active" };
        if (current.tokenFault?.fault === "record") return { reason: "suspended", since: current.tokenFault.since };
        if (current.lastSyncAt && Date.parse(current.lastSyncAt) > Date.parse(recentSince)) return { reason: "recent", lastSyncAt: current.lastSyncAt };
        if (current.refreshQueued) return { reason: "queued", jobId: current.refreshQueued.jobId, until: current.refreshQueued.until };
        // Changed between the update and the read: the caller may simply try again.
        return { reason: "queued", jobId: "unknown", until: job.until };
      }
    },

    /** Clears our queued-refresh mark (its job could not be sent), leaving anyone else's alone. */
    async clearRefreshQueued(userId: string, connectionId: string, jobId: string): Promise<void> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.connection(userId, connectionId),
            UpdateExpression: "REMOVE refreshQueued",
            ConditionExpression: "refreshQueued.jobId = :job",
            ExpressionAttributeValues: { ":job": jobId },
          }),
        );
      } catch (err) {
        if (!isConditionalCheckFailed(err)) rethrowAws(err, "UpdateItem");
      }
    },

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
      let taken: Record<string, unknown>;
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
        taken = out.Attributes ?? {};
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConditionalCheckFailedError(key, `sync lease on ${connectionId} is held by another worker (or the connection is gone)`, { cause: err });
        rethrowAws(err, "UpdateItem");
      }
      try {
        return await base.open(bankConnectionEntity.fromItem(taken));
      } catch (err) {
        // Not handed to the caller, so not released by it: given back here, or every copy of the
        // job (its own retry included) would wait out the whole lease after a KMS blip.
        await releaseLease(userId, connectionId, owner).catch(() => false);
        throw err;
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
     * Makes sure the connection's tokens can be sealed now (a data key under the connection's
     * context at hand, ADR 0073), before a refresh asks TrueLayer for a pair: it retires the old
     * refresh token as it answers, so a pair we could not seal would be lost with the consent.
     * Throws `KeyRefusedError` (`@expenzez/crypto`) when KMS refuses our key.
     */
    ensureSealable(connection: Pick<BankConnection, "userId" | "connectionId">): Promise<void> {
      return encryptor.ensureDataKey({ userId: connection.userId, connectionId: connection.connectionId });
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
            // Never onto a disconnected connection: its tokens were deleted for good.
            ConditionExpression: "attribute_exists(PK) AND #status <> :revoked",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":a": sealed.accessToken,
              ":r": sealed.refreshToken,
              ":e": tokens.tokenExpiresAt,
              ":now": now,
              ":one": 1,
              ":revoked": "revoked",
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return base.open(bankConnectionEntity.fromItem(out.Attributes ?? {}));
      } catch (err) {
        if (isConditionalCheckFailed(err))
          throw new ConditionalCheckFailedError(key, `connection ${connection.connectionId} is gone or disconnected`, { cause: err });
        rethrowAws(err, "UpdateItem");
      }
    },

    /**
     * The versioned put that ends a leased run and releases the lease in the same write:
     * conditional on `expectedVersion` and on `leaseOwner` still being ours.
     */
    async finishLeased(value: BankConnection, expectedVersion: number, owner: string): Promise<BankConnection> {
      const { Put: put } = await finishLeasedAction(value, expectedVersion, owner);
      const key = { PK: put.Item.PK as string, SK: put.Item.SK as string };
      try {
        await db.doc.send(new PutCommand(put));
      } catch (err) {
        if (isConditionalCheckFailed(err)) throw new VersionConflictError(key, expectedVersion, undefined, { cause: err });
        rethrowAws(err, "PutItem");
      }
      const { leaseOwner: _owner, leaseUntil: _until, ...rest } = value;
      return { ...rest, version: expectedVersion + 1 } as BankConnection;
    },

    /**
     * `finishLeased` as a TransactWriteItems action, so the sync's last transaction can release
     * the lease and record the run with its final writes (one request instead of two).
     */
    finishLeasedAction,

    /**
     * The connection is disconnected: `revoked`, its sealed tokens deleted, out of the sync
     * schedule (GSI4), any lease or queued refresh cleared; the version is bumped so a sync in
     * flight cannot write its copy back. Call it after the consent was revoked at TrueLayer.
     * False when there is no such connection.
     */
    async disconnect(userId: string, connectionId: string, now: string): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.connection(userId, connectionId),
            UpdateExpression:
              "SET #status = :revoked, updatedAt = :now REMOVE accessToken, refreshToken, nextSyncAt, #gpk, #gsk, leaseOwner, leaseUntil, refreshQueued ADD version :one",
            ConditionExpression: "attribute_exists(PK)",
            ExpressionAttributeNames: { "#status": "status", "#gpk": INDEXES.syncDue.partitionKey, "#gsk": INDEXES.syncDue.sortKey },
            ExpressionAttributeValues: { ":revoked": "revoked", ":now": now, ":one": 1 },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        rethrowAws(err, "UpdateItem");
      }
    },

    releaseLease,

    /**
     * Records that the connection's sealed tokens cannot be opened (ADR 0073), on the stored form,
     * so no KMS call: a versioned put while no one holds the lease. The entity's layout drops a
     * connection with a `record` fault from the sync schedule; `retryAt` (a `key` fault) moves
     * its next sync. False when the connection changed or was leased meanwhile: the run that
     * changed it met the tokens itself.
     */
    async recordTokenFault(stored: StoredBankConnection, tokenFault: TokenFault, now: string, retryAt?: string): Promise<boolean> {
      const { leaseOwner: _owner, leaseUntil: _until, ...rest } = stored;
      try {
        await updateVersioned(db, bankConnectionEntity, { ...rest, tokenFault, ...(retryAt ? { nextSyncAt: retryAt } : {}), updatedAt: now }, stored.version);
        return true;
      } catch (err) {
        if (err instanceof VersionConflictError) return false;
        throw err;
      }
    },

    /**
     * An operator's answer to a token fault (ADR 0073): the fault is forgotten and the connection
     * is due at `now`, so the scheduler queues it on its next tick. The tokens are not opened here.
     * The fault cleared, or undefined when the connection has none (or does not exist).
     */
    async clearTokenFault(userId: string, connectionId: string, now: string): Promise<TokenFault | undefined> {
      const stored = await getEntity(db, bankConnectionEntity, keys.connection(userId, connectionId), { consistent: true });
      if (!stored?.tokenFault) return undefined;
      const { tokenFault, ...rest } = stored;
      await updateVersioned(db, bankConnectionEntity, { ...rest, nextSyncAt: now, updatedAt: now }, stored.version);
      return tokenFault;
    },
  };
}

export type ConnectionRepository = ReturnType<typeof connectionRepository>;
