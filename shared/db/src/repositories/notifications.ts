import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { INDEXES, TTL_ATTRIBUTE } from "@expenzez/infra";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { encodeCursor } from "../cursor";
import {
  type DeliveryAttempt,
  deliveryAttemptSchema,
  type NotificationDecision,
  type NotificationHistory,
  notificationDecisionSchema,
  notificationHistoryEntity,
} from "../entities/notification-history";
import { type NotificationPreferences, notificationPreferencesEntity } from "../entities/notification-preferences";
import { type NotificationToken, notificationTokenEntity } from "../entities/notification-token";
import { ENTITY_TYPE } from "../entity";
import { deleteItem, getEntity, putItem, putNew, queryOnePage, updateVersioned } from "../items";
import { gsi4NotificationDue, isoUtc, keys, NOTIFICATION_DUE_SHARDS, notificationDuePk, SK_PREFIX, userIdFromPk } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import type { TransactAction } from "../transact";
import { listAllUserItems } from "./user-items";

type PreferencesInput = Parameters<typeof notificationPreferencesEntity.toItem>[0];
type TokenInput = Parameters<typeof notificationTokenEntity.toItem>[0];
type HistoryInput = Parameters<typeof notificationHistoryEntity.toItem>[0];

/** A deferred notification that is due: what the deferred pass needs to load it. */
export interface DueNotification {
  userId: string;
  notificationId: string;
  deferredUntil: string;
}

/** The value of a claim whose attempt is recorded. */
export const CLAIM_DONE = "done";

/** A status change of a history entry; see `setStatus`. */
export interface StatusChange {
  status: NotificationHistory["status"];
  decision?: NotificationDecision;
  deferredUntil?: string;
  deliveredAt?: string;
  expectStatus?: NotificationHistory["status"];
  expectDeferredUntil?: string;
  /** New text (a summary's count is known only when it is sent). */
  text?: { title: string; body: string };
}

function tokenCount(userId: string, tokenId: string, delivered: boolean, at: string) {
  return {
    Key: keys.notificationToken(userId, tokenId),
    UpdateExpression: "ADD totalNotificationsSent :one, #counter :one SET lastUsedAt = :at",
    ConditionExpression: "attribute_exists(PK)",
    ExpressionAttributeNames: { "#counter": delivered ? "successfulDeliveries" : "failedDeliveries" },
    ExpressionAttributeValues: { ":one": 1, ":at": isoUtc(at) },
  };
}

function statusUpdate(userId: string, notificationId: string, change: StatusChange) {
  const names: Record<string, string> = { "#status": "status", "#pk4": INDEXES.syncDue.partitionKey, "#sk4": INDEXES.syncDue.sortKey };
  const values: Record<string, unknown> = { ":status": change.status };
  const set = ["#status = :status"];
  const remove: string[] = [];
  if (change.decision) {
    set.push("decisions = list_append(if_not_exists(decisions, :empty), :decision)", "reason = :reason");
    values[":decision"] = [notificationDecisionSchema.parse(change.decision)];
    values[":empty"] = [];
    values[":reason"] = change.decision.reason;
  }
  if (change.text) {
    set.push("title = :title", "body = :body");
    values[":title"] = change.text.title;
    values[":body"] = change.text.body;
  }
  if (change.deliveredAt) {
    set.push("deliveredAt = :deliveredAt");
    values[":deliveredAt"] = isoUtc(change.deliveredAt);
  }
  if ((change.status === "deferred" || change.status === "sending") && change.deferredUntil) {
    const due = gsi4NotificationDue(notificationId, change.deferredUntil);
    set.push("deferredUntil = :until", "#pk4 = :pk4", "#sk4 = :sk4");
    Object.assign(values, { ":until": isoUtc(change.deferredUntil), ":pk4": due.GSI4PK, ":sk4": due.GSI4SK });
  } else {
    remove.push("#pk4", "#sk4");
  }
  const conditions = ["attribute_exists(PK)"];
  if (change.expectStatus) {
    conditions.push("#status = :expected");
    values[":expected"] = change.expectStatus;
  }
  if (change.expectDeferredUntil) {
    conditions.push("deferredUntil = :expectedUntil");
    values[":expectedUntil"] = isoUtc(change.expectDeferredUntil);
  }
  return {
    Key: keys.notificationHistory(userId, notificationId),
    UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Notification preferences, device tokens and delivery history of a user. */
export function notificationRepository(db: Db) {
  const update = async (operation: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], "TableName">): Promise<boolean> => {
    try {
      await db.doc.send(new UpdateCommand({ TableName: db.tableName, ...input }));
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      rethrowAws(err, operation);
    }
  };

  return {
    getPreferences: (userId: string): Promise<NotificationPreferences | undefined> =>
      getEntity(db, notificationPreferencesEntity, keys.notificationPreferences(userId)),
    createPreferences: (preferences: PreferencesInput) => putNew(db, notificationPreferencesEntity, preferences),
    updatePreferences: (preferences: PreferencesInput, expectedVersion: number) =>
      updateVersioned(db, notificationPreferencesEntity, preferences, expectedVersion),

    listTokens: (userId: string): Promise<NotificationToken[]> => listAllUserItems(db, notificationTokenEntity, userId, SK_PREFIX.notificationToken),
    /** Registers or refreshes a device token (last write wins: the device is the authority). */
    putToken: (token: TokenInput) => putItem(db, notificationTokenEntity, token),
    deleteToken: (userId: string, tokenId: string) => deleteItem(db, keys.notificationToken(userId, tokenId)),
    /** Counts one send to a device (`ADD`, so concurrent dispatchers never lose a count). */
    countTokenDelivery: (userId: string, tokenId: string, delivered: boolean, at: string) => update("UpdateItem", tokenCount(userId, tokenId, delivered, at)),
    /** Turns a token off because the provider refused it; `false` if the token is gone. */
    invalidateToken: (userId: string, tokenId: string, reason: string, at: string) =>
      update("UpdateItem", {
        Key: keys.notificationToken(userId, tokenId),
        UpdateExpression: "SET enabled = :off, invalidReason = :reason, invalidatedAt = :at, updatedAt = :at",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":off": false, ":reason": reason, ":at": isoUtc(at) },
      }),

    getHistory: (userId: string, notificationId: string): Promise<NotificationHistory | undefined> =>
      getEntity(db, notificationHistoryEntity, keys.notificationHistory(userId, notificationId)),
    /** First record of a notification; `ConditionalCheckFailedError` if this id was recorded before. */
    recordHistory: (entry: HistoryInput) => putNew(db, notificationHistoryEntity, entry),
    /** Rewrites an entry whole (tests and tools; the dispatcher uses the targeted updates below). */
    saveHistory: (entry: HistoryInput) => putItem(db, notificationHistoryEntity, entry),
    listHistory: (userId: string): Promise<NotificationHistory[]> => listAllUserItems(db, notificationHistoryEntity, userId, SK_PREFIX.notificationHistory),

    /**
     * Claims one delivery (`<channel>:<target>`) of a notification before it is sent. `false` when
     * another dispatcher holds or finished it. With `staleClaim`, takes over that claim instead (its
     * dispatcher died inside the send) and counts the take-over in `reclaimed`.
     */
    claimDelivery: (userId: string, notificationId: string, claimKey: string, at: string, staleClaim?: string) =>
      update("UpdateItem", {
        Key: keys.notificationHistory(userId, notificationId),
        UpdateExpression: staleClaim ? "SET claims.#k = :at ADD reclaimed :one" : "SET claims.#k = :at",
        ConditionExpression: staleClaim ? "claims.#k = :stale" : "attribute_exists(PK) AND attribute_not_exists(claims.#k)",
        ExpressionAttributeNames: { "#k": claimKey },
        ExpressionAttributeValues: { ":at": isoUtc(at), ...(staleClaim ? { ":stale": staleClaim, ":one": 1 } : {}) },
      }),
    /**
     * Records one delivery attempt under the claim `claimedAt` that this dispatcher holds: marks
     * the claim `done`, or with `release` gives it up so a later pass tries again. For a
     * TransactWriteItems with the NotificationDispatched outbox records.
     */
    txRecordAttempt: (
      userId: string,
      notificationId: string,
      claimKey: string,
      claimedAt: string,
      attempt: DeliveryAttempt,
      options: { release?: boolean } = {},
    ): TransactAction => ({
      Update: {
        TableName: db.tableName,
        Key: keys.notificationHistory(userId, notificationId),
        UpdateExpression: `SET attempts = list_append(if_not_exists(attempts, :empty), :attempts)${options.release ? " REMOVE claims.#k" : ", claims.#k = :done"}`,
        ConditionExpression: "claims.#k = :mine",
        ExpressionAttributeNames: { "#k": claimKey },
        ExpressionAttributeValues: {
          ":attempts": [deliveryAttemptSchema.parse(attempt)],
          ":empty": [],
          ":mine": isoUtc(claimedAt),
          ...(options.release ? {} : { ":done": CLAIM_DONE }),
        },
      },
    }),
    /** Appends delivery attempts outside any claim (an attempt that never reached a provider). */
    appendAttempts: (userId: string, notificationId: string, attempts: DeliveryAttempt[]) =>
      update("UpdateItem", {
        Key: keys.notificationHistory(userId, notificationId),
        UpdateExpression: "SET attempts = list_append(if_not_exists(attempts, :empty), :attempts)",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":attempts": attempts.map((a) => deliveryAttemptSchema.parse(a)), ":empty": [] },
      }),
    txSetStatus: (userId: string, notificationId: string, change: StatusChange): TransactAction => ({
      Update: { TableName: db.tableName, ...statusUpdate(userId, notificationId, change) },
    }),
    /**
     * Records a decision and the status it leads to. `expectStatus` (and `expectDeferredUntil`)
     * make the change conditional, so two passes never both take one notification; a deferred or
     * sending entry is in the due index at `deferredUntil`, any other status leaves it. `false`
     * when the condition failed.
     */
    setStatus: (userId: string, notificationId: string, change: StatusChange) => update("UpdateItem", statusUpdate(userId, notificationId, change)),
    /** Counts one more notification folded into a summary. */
    countFolded: (userId: string, notificationId: string) =>
      update("UpdateItem", {
        Key: keys.notificationHistory(userId, notificationId),
        UpdateExpression: "ADD foldedCount :one",
        ConditionExpression: "attribute_exists(PK)",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    /**
     * Deferred notifications of one due shard whose time has come, oldest first. Only the keys
     * and the due time are read, not the entry: one entry that no longer parses must not stop the
     * pass for every notification after it (the pass reads each entry it takes, one at a time).
     */
    async listDue(shard: number, now: string, options: PageOptions = {}): Promise<Page<DueNotification>> {
      const scope = `gsi4n:${shard}`;
      const out = await queryOnePage(
        db,
        scope,
        {
          IndexName: INDEXES.syncDue.name,
          KeyConditionExpression: "#pk = :shard AND #sk <= :now",
          ProjectionExpression: "PK, SK, deferredUntil",
          ExpressionAttributeNames: { "#pk": INDEXES.syncDue.partitionKey, "#sk": INDEXES.syncDue.sortKey },
          ExpressionAttributeValues: { ":shard": notificationDuePk(shard), ":now": isoUtc(now) },
        },
        options,
      );
      return {
        items: (out.Items ?? []).map((i) => ({
          userId: userIdFromPk(String(i.PK)),
          notificationId: String(i.SK).slice(SK_PREFIX.notificationHistory.length),
          deferredUntil: typeof i.deferredUntil === "string" ? i.deferredUntil : now,
        })),
        cursor: encodeCursor(scope, out.LastEvaluatedKey),
      };
    },
    dueShards: NOTIFICATION_DUE_SHARDS,

    /**
     * Counts one notification in a user's rate-limit window and returns the count including it.
     * The counter item expires with the TTL a day after the window.
     */
    async countInWindow(userId: string, windowStart: string): Promise<number> {
      try {
        const out = await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.notificationRate(userId, windowStart),
            UpdateExpression: "ADD #count :one SET #type = :type, #ttl = if_not_exists(#ttl, :ttl)",
            ExpressionAttributeNames: { "#count": "count", "#type": ENTITY_TYPE, "#ttl": TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ":one": 1, ":type": "NotificationRate", ":ttl": Math.floor(Date.parse(windowStart) / 1000) + 2 * 86_400 },
            ReturnValues: "UPDATED_NEW",
          }),
        );
        return Number(out.Attributes?.count ?? 1);
      } catch (err) {
        rethrowAws(err, "UpdateItem");
      }
    },
  };
}

export type NotificationRepository = ReturnType<typeof notificationRepository>;
