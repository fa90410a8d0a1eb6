import {
  type Entity,
  type OutboxRecord,
  type TransactAction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  transactWrite,
  txPutNew,
  txPutVersioned,
} from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import { outboxItem, relayOutboxRecords } from "@expenzez/runtime";
import type { z } from "zod";
import type { RecurringDeps } from "./deps";

/**
 * Writes the items and their events' outbox records in one TransactWriteItems, then relays the
 * records. (The platform's commitWithEvents will replace this once it lands.)
 */
export async function commitWithOutbox(
  deps: RecurringDeps,
  actions: TransactAction[],
  events: readonly DomainEvent[],
  nowIso: string,
): Promise<OutboxRecord[]> {
  const records = events.map((e) => outboxItem(e, nowIso));
  if (actions.length === 0 && records.length === 0) return [];
  await transactWrite(deps.db.doc, [
    ...actions,
    ...records.map((r) => ({ Put: { TableName: deps.db.tableName, Item: r.item, ConditionExpression: "attribute_not_exists(PK)" } })),
  ]);
  return records.map((r) => r.record);
}

/** Relays after commit; a failure is logged, the outbox sweep publishes later. */
export async function relay(deps: RecurringDeps, records: OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  try {
    await relayOutboxRecords(deps.relay, records);
  } catch (err) {
    deps.log.warn({ err, records: records.length }, "outbox relay failed; the sweep will publish");
  }
}

/** A put that is new (`expectedVersion` undefined), or replaces the version it read. */
export function put<S extends z.ZodType<{ version: number }>>(
  deps: RecurringDeps,
  entity: Entity<S>,
  item: z.input<S>,
  expectedVersion: number | undefined,
): TransactAction {
  return expectedVersion === undefined ? txPutNew(deps.db, entity, item) : txPutVersioned(deps.db, entity, item, expectedVersion);
}

export function isWriteConflict(err: unknown): boolean {
  return err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError;
}
