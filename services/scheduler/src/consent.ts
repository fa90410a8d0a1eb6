import {
  type Db,
  type DueConnection,
  keys,
  type OutboxRecord,
  outboxRecordEntity,
  TransactionConditionalCheckFailedError,
  transactWrite,
  txPutNew,
} from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { outboxItem } from "@expenzez/runtime";
import type { ConsentWarning } from "./plan";

/**
 * Records that `warning` was announced for this consent and writes ConnectionConsentExpiring to
 * the outbox, in one transaction conditional on it not being recorded yet and on no sync holding
 * the lease: two schedulers, a retried tick or a sync finishing meanwhile announce each warning
 * once. Returns the record to relay, or undefined when someone else already announced it (or a
 * sync holds the lease: a later tick announces it).
 */
export async function announceConsentExpiring(db: Db, due: DueConnection, warning: ConsentWarning, now: Date): Promise<OutboxRecord | undefined> {
  const c = due.schedule;
  const sameConsent = c.consentWarnings?.consentExpiresAt === c.consentExpiresAt;
  const sent = [...new Set([...(sameConsent ? (c.consentWarnings?.sent ?? []) : []), warning])];
  const event = buildEvent("ConnectionConsentExpiring", {
    userId: due.userId,
    connectionId: due.connectionId,
    consentExpiresAt: c.consentExpiresAt,
    daysLeft: warning === "7d" ? 7 : 1,
  });
  const { record } = outboxItem(event, now.toISOString());
  try {
    await transactWrite(db.doc, [
      {
        Update: {
          TableName: db.tableName,
          Key: keys.connection(due.userId, due.connectionId),
          UpdateExpression: "SET consentWarnings = :warnings",
          // Not yet announced for this consent (a new consent replaces the record), and no sync
          // holds the lease: its finish puts back the whole item it read, which would erase this
          // record (no version bump here) and have the warning announced again. A held lease
          // leaves the connection due, so the next tick announces it.
          ConditionExpression:
            "attribute_exists(PK) AND consentExpiresAt = :expires AND (attribute_not_exists(consentWarnings) OR consentWarnings.consentExpiresAt <> :expires OR NOT contains(consentWarnings.sent, :warning)) AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)",
          ExpressionAttributeValues: {
            ":warnings": { consentExpiresAt: c.consentExpiresAt, sent },
            ":expires": c.consentExpiresAt,
            ":warning": warning,
            ":now": now.toISOString(),
          },
        },
      },
      txPutNew(db, outboxRecordEntity, record),
    ]);
    return record;
  } catch (err) {
    if (err instanceof TransactionConditionalCheckFailedError) return undefined;
    throw err;
  }
}
