import {
  type Db,
  type OutboxRecord,
  outboxRecordEntity,
  type TransactAction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  transactWrite,
  txPutNew,
} from "@expenzez/db";
import { buildEvent, type DetailInput, type DetailType, type DomainEvent } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { ConflictRetriesExhaustedError } from "./errors";
import { type OutboxDeleteBatcher, outboxItem, type RelayDeps, relayOutboxRecords } from "./outbox";

/** An event to commit: a built one, or a detail-type with its detail (built with a new eventId). */
export type EventToCommit = DomainEvent | { [T in DetailType]: { detailType: T; input: DetailInput<T> } }[DetailType];

export interface CommitDeps {
  db: Db;
  relay: RelayDeps;
  log: Logger;
  /** Gathers the relay's deletes of published records across commits (`createOutboxDeleteBatcher`); absent: each relay deletes its own. */
  outboxDeletes?: OutboxDeleteBatcher;
}

/** The outbox Put of an event, plus the record to relay once the transaction commits. */
export function outboxAction(
  db: Db,
  event: EventToCommit,
  writtenAt: Date = new Date(),
  bundled: readonly EventToCommit[] = [],
): { action: TransactAction; record: OutboxRecord } {
  const build = (e: EventToCommit) => ("detail" in e ? e : buildEvent(e.detailType, e.input as never)) as DomainEvent;
  const { record } = outboxItem(build(event), writtenAt.toISOString(), bundled.map(build));
  return { action: txPutNew(db, outboxRecordEntity, record), record };
}

/**
 * Writing data and announcing it, as one call: `actions` and the events' outbox items commit in
 * one TransactWriteItems (all or nothing), then the events are relayed to EventBridge. A relay
 * that fails is logged and left to the outbox sweep, so a commit is never announced zero times.
 * With `relay: "caller"` the records are only returned: a caller that commits many small
 * transactions in a row relays them together with `relayCommitted` (one PutEvents per 10).
 *
 * @example
 * await commitWithEvents(deps, [txUpdateVersioned(db, key, { set }, version)], [{ detailType: "BudgetThresholdCrossed", input }]);
 */
export async function commitWithEvents(
  deps: CommitDeps,
  actions: readonly TransactAction[],
  events: readonly EventToCommit[],
  options: { now?: Date; clientRequestToken?: string; relay?: "now" | "caller" } = {},
): Promise<{ records: OutboxRecord[] }> {
  const outbox = events.map((e) => outboxAction(deps.db, e, options.now));
  await transactWrite(
    deps.db.doc,
    [...actions, ...outbox.map((o) => o.action)],
    options.clientRequestToken ? { clientRequestToken: options.clientRequestToken } : {},
  );
  const records = outbox.map((o) => o.record);
  if (options.relay !== "caller") await relayCommitted(deps, records);
  return { records };
}

/** Relays records a commit wrote; a failure is left to the sweep (the data is committed either way). */
export async function relayCommitted(deps: CommitDeps, records: readonly OutboxRecord[]): Promise<void> {
  if (records.length === 0) return;
  await relayOutboxRecords(deps.relay, [...records], deps.outboxDeletes ? { deletes: deps.outboxDeletes } : {}).catch((err) =>
    deps.log.warn({ err, eventIds: records.map((r) => r.eventId) }, "committed but not relayed yet; the outbox sweep will publish it"),
  );
}

/**
 * Runs `attempt` until it commits. A transaction cancelled by a condition (a version another
 * writer moved) or by a conflicting transaction means what we read is stale: `attempt` must
 * re-read and re-decide, never replay its old writes. Gives up after `maxAttempts` with a
 * retryable error, so the message comes back later instead of spinning.
 */
export async function retryOnConflict<T>(
  attempt: (n: number) => Promise<T>,
  options: { what: string; maxAttempts?: number; log?: Logger; isConflict?: (err: unknown) => boolean },
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const isConflict = options.isConflict ?? isTransactionConflict;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (n >= maxAttempts) throw new ConflictRetriesExhaustedError(options.what, n, { cause: err });
      options.log?.info({ attempt: n, what: options.what }, "concurrent writer changed what we read: re-reading");
    }
  }
}

export function isTransactionConflict(err: unknown): boolean {
  return err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError;
}
