import { createHash } from "node:crypto";
import { INDEXES, TABLE_KEYS } from "@expenzez/resources";

/**
 * Every key of the single table is built here and nowhere else (DESIGN section 2). Other
 * packages import these builders rather than concatenating `USER#...` themselves.
 */

export const PK = TABLE_KEYS.partitionKey;
export const SK = TABLE_KEYS.sortKey;

/** Number of scheduling shards in GSI4 (`SYNCDUE#0..15`). */
export const SYNC_SHARDS = 16;
/** Number of outbox partitions (`OUTBOX#0..7`); spreads relay reads and writes. */
export const OUTBOX_SHARDS = 8;
/** Number of deferred-notification shards in GSI4 (`NOTIFDUE#0..7`). */
export const NOTIFICATION_DUE_SHARDS = 8;
/** Number of budget roll-over shards in GSI4 (`BUDGETROLL#0..7`). */
export const BUDGET_ROLLOVER_SHARDS = 8;
/** Number of recurring-stream due shards in GSI4 (`RECURDUE#0..7`). */
export const RECURRING_DUE_SHARDS = 8;

/** Sort-key prefixes of the items that live under a user's partition. */
export const SK_PREFIX = {
  connection: "BANK#",
  account: "ACCOUNT#",
  transaction: "TRANSACTION#",
  budget: "BUDGET#",
  budgetAlert: "ALERT#",
  notificationToken: "NOTIFTOKEN#",
  notificationHistory: "NOTIFICATION#",
  recurring: "RECURRING#",
  recurringHistory: "RECHIST#",
  aiAnalysis: "AIANALYSIS#",
  rule: "RULE#",
  categoryEdit: "EDIT#",
  notificationRate: "NOTIFRATE#",
} as const;

export const PROFILE_SK = "PROFILE";
export const NOTIFICATION_PREFERENCES_SK = "NOTIFPREFS";
export const IDEMPOTENCY_SK = "IDEMP";
export const TASK_LOCK_SK = "LOCK";
/** Partition prefix of a backfill's checkpoint items (`BACKFILL#<id>`). */
export const BACKFILL_PK_PREFIX = "BACKFILL#";
export const BACKFILL_RUN_SK = "RUN";
/** Sort-key prefix of one queued connection of a backfill. */
export const BACKFILL_STEP_PREFIX = "STEP#";
export const EMAIL_GSI1SK = "USER";

export type TableKey = { PK: string; SK: string };

/** Ids become key segments: a `#` inside one would make keys ambiguous. */
function segment(name: string, value: string): string {
  if (typeof value !== "string" || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
  if (value.includes("#")) throw new TypeError(`${name} must not contain "#": ${value}`);
  return value;
}

/** A user's partition key. @example userPk("u1") // "USER#u1" */
export function userPk(userId: string): string {
  return `USER#${segment("userId", userId)}`;
}

/** The user id from a `USER#<id>` partition key. */
export function userIdFromPk(pk: string): string {
  if (!pk.startsWith("USER#")) throw new TypeError(`not a user partition key: ${pk}`);
  return pk.slice("USER#".length);
}

const userItem =
  (prefix: string, idName: string) =>
  (userId: string, id: string): TableKey => ({ PK: userPk(userId), SK: `${prefix}${segment(idName, id)}` });

/**
 * Primary keys of every item type.
 *
 * @example keys.transaction("u1", "txn_ab12") // { PK: "USER#u1", SK: "TRANSACTION#txn_ab12" }
 */
export const keys = {
  profile: (userId: string): TableKey => ({ PK: userPk(userId), SK: PROFILE_SK }),
  connection: userItem(SK_PREFIX.connection, "connectionId"),
  account: userItem(SK_PREFIX.account, "accountId"),
  transaction: userItem(SK_PREFIX.transaction, "transactionId"),
  budget: userItem(SK_PREFIX.budget, "budgetId"),
  budgetAlert: userItem(SK_PREFIX.budgetAlert, "alertId"),
  notificationToken: userItem(SK_PREFIX.notificationToken, "tokenId"),
  notificationPreferences: (userId: string): TableKey => ({ PK: userPk(userId), SK: NOTIFICATION_PREFERENCES_SK }),
  notificationHistory: userItem(SK_PREFIX.notificationHistory, "notificationId"),
  /** A user's notification count in one rate-limit window (`window` is its start, UTC). */
  notificationRate: (userId: string, window: string): TableKey => ({ PK: userPk(userId), SK: `${SK_PREFIX.notificationRate}${isoUtc(window)}` }),
  recurring: userItem(SK_PREFIX.recurring, "streamId"),
  /** One merchant's compact payment history, kept by the recurring detector. */
  recurringHistory: userItem(SK_PREFIX.recurringHistory, "merchantId"),
  /** A cached analysis of one type (`predictions`: upcoming bills). */
  aiAnalysis: userItem(SK_PREFIX.aiAnalysis, "analysisType"),
  rule: userItem(SK_PREFIX.rule, "ruleId"),
  /** One re-categorisation by the user, newest last within a merchant: the learner reads the last five. */
  categoryEdit: (userId: string, merchantKey: string, editedAt: string, transactionId: string): TableKey => ({
    PK: userPk(userId),
    SK: `${categoryEditPrefix(merchantKey)}${isoUtc(editedAt)}#${segment("transactionId", transactionId)}`,
  }),
  outbox: (shard: number, createdAt: string, eventId: string): TableKey => ({
    PK: outboxPk(shard),
    SK: `${isoUtc(createdAt)}#${segment("eventId", eventId)}`,
  }),
  idempotency: (consumer: string, key: string): TableKey => ({
    PK: `IDEMP#${segment("consumer", consumer)}#${segment("idempotency key", key)}`,
    SK: IDEMPOTENCY_SK,
  }),
  /** A backfill's header: what it reaches back to and for whom (its checkpoint, with its steps). */
  backfillRun: (backfillId: string): TableKey => ({ PK: `${BACKFILL_PK_PREFIX}${segment("backfillId", backfillId)}`, SK: BACKFILL_RUN_SK }),
  /** One connection a backfill has queued: a resumed backfill skips it. */
  backfillStep: (backfillId: string, userId: string, connectionId: string): TableKey => ({
    PK: `${BACKFILL_PK_PREFIX}${segment("backfillId", backfillId)}`,
    SK: `${BACKFILL_STEP_PREFIX}${segment("userId", userId)}#${segment("connectionId", connectionId)}`,
  }),
  /** The lock that keeps one scheduled task from running twice at once, across processes. */
  taskLock: (task: string): TableKey => ({ PK: `LOCK#${segment("task", task)}`, SK: TASK_LOCK_SK }),
} as const;

/** `EDIT#<merchant key>#`: the sort-key prefix of one merchant's category edits. */
export function categoryEditPrefix(merchantKey: string): string {
  return `${SK_PREFIX.categoryEdit}${segment("merchantKey", merchantKey)}#`;
}

export function outboxPk(shard: number): string {
  assertShard(shard, OUTBOX_SHARDS);
  return `OUTBOX#${shard}`;
}

/** GSI1: email → user. Emails are trimmed and lower-cased so look-ups are case-insensitive. */
export function gsi1Email(email: string): { GSI1PK: string; GSI1SK: string } {
  return { [INDEXES.byEmail.partitionKey]: normaliseEmail(email), [INDEXES.byEmail.sortKey]: EMAIL_GSI1SK };
}

/** GSI1 sort key of a connection found by its TrueLayer credentials id. */
export const CREDENTIALS_GSI1SK = "BANK";

/** GSI1: TrueLayer credentials id → connection (signed webhooks and async results name it). */
export function gsi1Credentials(credentialsId: string): { GSI1PK: string; GSI1SK: string } {
  return { [INDEXES.byEmail.partitionKey]: `CREDENTIALS#${segment("credentialsId", credentialsId)}`, [INDEXES.byEmail.sortKey]: CREDENTIALS_GSI1SK };
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** GSI2: a user's transactions by time. */
export function gsi2Time(userId: string, timestamp: string, transactionId: string): { GSI2PK: string; GSI2SK: string } {
  return { [INDEXES.byTime.partitionKey]: userPk(userId), [INDEXES.byTime.sortKey]: `${isoUtc(timestamp)}#${segment("transactionId", transactionId)}` };
}

/** GSI3: a user's transactions of one primary category by time. */
export function gsi3Category(userId: string, primary: string, timestamp: string): { GSI3PK: string; GSI3SK: string } {
  return { [INDEXES.byCategory.partitionKey]: userPk(userId), [INDEXES.byCategory.sortKey]: `${categoryPrefix(primary)}${isoUtc(timestamp)}` };
}

/** `CATEGORY#<primary>#`: the GSI3 sort-key prefix of one category. */
export function categoryPrefix(primary: string): string {
  return `CATEGORY#${segment("category", primary)}#`;
}

/** GSI4 (sparse): due time of an active connection in its stable shard. */
export function gsi4SyncDue(connectionId: string, nextSyncAt: string): { GSI4PK: string; GSI4SK: string } {
  return { [INDEXES.syncDue.partitionKey]: syncDuePk(syncShard(connectionId)), [INDEXES.syncDue.sortKey]: isoUtc(nextSyncAt) };
}

/**
 * GSI4 (sparse, shared with the sync schedule under another partition prefix): a deferred
 * notification's due time in its stable shard, for the pass that sends deferred notifications.
 */
export function gsi4NotificationDue(notificationId: string, deferredUntil: string): { GSI4PK: string; GSI4SK: string } {
  return {
    [INDEXES.syncDue.partitionKey]: notificationDuePk(stableShard(notificationId, NOTIFICATION_DUE_SHARDS)),
    [INDEXES.syncDue.sortKey]: isoUtc(deferredUntil),
  };
}

/**
 * GSI4 (sparse, shared under another partition prefix): the last day a recurring stream's
 * next payment is on time, for the pass that reports missed payments.
 */
export function gsi4RecurringDue(streamId: string, windowEnd: string): { GSI4PK: string; GSI4SK: string } {
  return {
    [INDEXES.syncDue.partitionKey]: recurringDuePk(stableShard(streamId, RECURRING_DUE_SHARDS)),
    [INDEXES.syncDue.sortKey]: windowEnd,
  };
}

export function recurringDuePk(shard: number): string {
  assertShard(shard, RECURRING_DUE_SHARDS);
  return `RECURDUE#${shard}`;
}

/** `RECURRING#<merchantId>.`: the sort-key prefix of one merchant's streams (stream ids start with their merchant's id). */
export function recurringMerchantPrefix(merchantId: string): string {
  return `${SK_PREFIX.recurring}${segment("merchantId", merchantId)}.`;
}

export function notificationDuePk(shard: number): string {
  assertShard(shard, NOTIFICATION_DUE_SHARDS);
  return `NOTIFDUE#${shard}`;
}

/**
 * GSI4 (sparse, shared with the sync schedule under its own partition prefix): an open budget
 * period by its end, so the roll-over finds the periods that have ended with one Query per shard.
 */
export function gsi4BudgetRollover(userId: string, budgetId: string, periodEnd: string): { GSI4PK: string; GSI4SK: string } {
  // Budget ids repeat across users ("groceries"): the shard hashes both.
  return {
    [INDEXES.syncDue.partitionKey]: budgetRolloverPk(stableShard(`${segment("userId", userId)}#${segment("budgetId", budgetId)}`, BUDGET_ROLLOVER_SHARDS)),
    [INDEXES.syncDue.sortKey]: isoUtc(periodEnd),
  };
}

export function budgetRolloverPk(shard: number): string {
  assertShard(shard, BUDGET_ROLLOVER_SHARDS);
  return `BUDGETROLL#${shard}`;
}

export function syncDuePk(shard: number): string {
  assertShard(shard, SYNC_SHARDS);
  return `SYNCDUE#${shard}`;
}

/**
 * Stable shard of a connection in 0..SYNC_SHARDS-1 (sha-256, so it is the same in every
 * process and release).
 *
 * @example syncShard("conn-1") // always the same number in 0..15
 */
export function syncShard(connectionId: string): number {
  return stableShard(connectionId, SYNC_SHARDS);
}

/** Stable outbox shard of an event id in 0..OUTBOX_SHARDS-1. */
export function outboxShard(eventId: string): number {
  return stableShard(eventId, OUTBOX_SHARDS);
}

function stableShard(value: string, shards: number): number {
  return createHash("sha256").update(value, "utf8").digest().readUInt32BE(0) % shards;
}

function assertShard(shard: number, shards: number): void {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shards) throw new RangeError(`shard must be an integer in 0..${shards - 1}, got ${shard}`);
}

// A date, or a date-time with `Z` or an offset. Date.parse reads a date-time without one (as
// TrueLayer's `timestamp` comes) in the process's local zone, so keys would depend on the host.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * Any ISO timestamp with an offset as UTC with milliseconds (`2024-01-31T23:00:00.000Z`), so
 * sort keys compare in time order whatever offset the bank used.
 */
export function isoUtc(timestamp: string): string {
  // One item's keys ask for the same timestamp three times in a row (GSI2, GSI3, stored or not).
  if (timestamp === lastIsoUtc.in) return lastIsoUtc.out;
  if (typeof timestamp !== "string" || !ISO_WITH_ZONE.test(timestamp)) throw new TypeError(`not an ISO timestamp with Z or an offset: ${timestamp}`);
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) throw new TypeError(`not an ISO timestamp: ${timestamp}`);
  const out = new Date(ms).toISOString();
  lastIsoUtc.in = timestamp;
  lastIsoUtc.out = out;
  return out;
}
/** `isoUtc`'s last answer (a pure function: only a valid one is kept). */
const lastIsoUtc: { in: string | undefined; out: string } = { in: undefined, out: "" };

/**
 * Id of the alert for one threshold of one budget period: writing it with `attribute_not_exists`
 * makes "once per (budget, period, threshold)" a database guarantee.
 */
export function budgetAlertId(budgetId: string, periodStart: string, threshold: number): string {
  return `${segment("budgetId", budgetId)}@${isoUtc(periodStart)}@${threshold}`;
}
