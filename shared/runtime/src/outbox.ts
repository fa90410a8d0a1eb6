import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import {
  BATCH_WRITE_LIMIT,
  batchWrite,
  type Db,
  newOutboxRecord,
  OUTBOX_SHARDS,
  type OutboxRecord,
  outboxPk,
  outboxRecordEntity,
  type TableKey,
} from "@expenzez/db";
import { CATALOGUE, type DetailType, type DomainEvent, EventValidationError, publishEvents, toPutEventsEntry } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { crashPoint } from "./crash-point";

/**
 * The transactional outbox (DESIGN section 4): an event is written as an Outbox item in the
 * same DynamoDB transaction as the data it announces; the relay publishes it and deletes it;
 * the sweep re-publishes anything a crashed writer left behind. Publishing is at-least-once,
 * so consumers deduplicate on `detail.eventId`.
 */

/**
 * The table item to put in the same TransactWriteItems as the data. Keyed by when it is written,
 * not the event's `occurredAt` (which may be a period end, or old on a redrive): the sweep's
 * cutoff is about how long a record has waited for its writer's relay.
 */
export function outboxItem(
  event: DomainEvent,
  writtenAt: string = new Date().toISOString(),
  bundled: readonly DomainEvent[] = [],
): { record: OutboxRecord; item: Record<string, unknown> } {
  const record = newOutboxRecord(
    {
      eventId: event.detail.eventId,
      detailType: event.detailType,
      source: event.source,
      detail: event.detail,
      createdAt: writtenAt,
    },
    // Published with it: one item announces the lot (ADR 0068).
    bundled.map((e) => ({ eventId: e.detail.eventId, detailType: e.detailType, source: e.source, detail: e.detail })),
  );
  return { record, item: outboxRecordEntity.toItem(record) };
}

export interface RelayDeps {
  db: Db;
  events: EventBridgeClient;
  busName: string;
  log: Logger;
}

function toDomainEvent(detailType: string, detail: unknown): DomainEvent {
  const entry = CATALOGUE[detailType as DetailType];
  if (!entry) throw new EventValidationError(`outbox holds unknown detail-type ${detailType}`, ["detailType: unknown"]);
  return { source: entry.source, detailType: detailType as DetailType, detail: entry.schema.parse(detail) };
}

/** The record's event and the ones bundled with it, each validated against the catalogue. */
function eventsOf(record: OutboxRecord): DomainEvent[] {
  const bundled = record.bundled ? (JSON.parse(record.bundled) as { detailType: string; detail: unknown }[]) : [];
  return [toDomainEvent(record.detailType, JSON.parse(record.detail)), ...bundled.map((e) => toDomainEvent(e.detailType, e.detail))];
}

/**
 * Publishes outbox records and deletes them once EventBridge has them. Called by a writer right
 * after its commit with the records it wrote, and by the sweep for stragglers. A record whose
 * publish fails stays for the next sweep.
 */
export async function relayOutboxRecords(
  deps: RelayDeps,
  records: OutboxRecord[],
  options: { deletes?: OutboxDeleteBatcher } = {},
): Promise<{ published: number }> {
  if (records.length === 0) return { published: 0 };
  // The fault suite's kill between a commit and its announcement (off unless switched on).
  crashPoint("before-relay");
  const valid: { record: OutboxRecord; events: DomainEvent[] }[] = [];
  for (const record of records) {
    try {
      const events = eventsOf(record);
      // Size-checked here: publishEvents refuses a whole batch with one event too big to send.
      for (const event of events) toPutEventsEntry(event, deps.busName);
      valid.push({ record, events });
    } catch (err) {
      // Kept in place for a human: deleting would lose it, retrying cannot fix it.
      deps.log.error({ err, eventId: record.eventId, detailType: record.detailType }, "outbox record is invalid; left for inspection");
    }
  }
  await publishEvents(
    deps.events,
    valid.flatMap((v) => v.events),
    { busName: deps.busName },
  );
  const published = valid.map(({ record }) => outboxRecordEntity.key(record));
  if (options.deletes) options.deletes.add(published);
  else
    await batchWrite(
      deps.db.doc,
      deps.db.tableName,
      published.map((Key) => ({ DeleteRequest: { Key } })),
    );
  return { published: valid.length };
}

/** Deletes of published outbox records, gathered across relays into full BatchWriteItem calls. */
export interface OutboxDeleteBatcher {
  /** Queues keys of records already published; a full batch is deleted at once. */
  add(keys: readonly TableKey[]): void;
  /** Deletes everything queued (call before the process exits). */
  flush(): Promise<void>;
  /** Keys queued and not yet deleted. */
  readonly pending: number;
}

/**
 * Gathers the relay's deletes of published records across writers (jobs) of one process and
 * sends them 25 to a BatchWriteItem, at the latest `maxDelayMs` after the first was queued (the timer keeps a stopping process
 * alive that long, so a graceful stop still deletes them): a
 * writer that relays 3 records no longer pays a request of its own to delete them. A delete
 * that never happens (the process died first, or the batch failed) only leaves a published
 * record for the sweep to publish again: at-least-once, as the outbox always was, and
 * consumers deduplicate on `eventId`.
 */
export function createOutboxDeleteBatcher(deps: Pick<RelayDeps, "db" | "log">, options: { maxDelayMs?: number } = {}): OutboxDeleteBatcher {
  const maxDelayMs = options.maxDelayMs ?? 2000;
  let queued: TableKey[] = [];
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<void>>();
  const send = (keys: TableKey[]) => {
    const done = batchWrite(
      deps.db.doc,
      deps.db.tableName,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    )
      .then(() => undefined)
      .catch((err: unknown) => deps.log.warn({ err, records: keys.length }, "outbox deletes failed; the sweep will publish those records again"))
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const drain = (all: boolean) => {
    while (queued.length >= BATCH_WRITE_LIMIT || (all && queued.length > 0)) send(queued.splice(0, BATCH_WRITE_LIMIT));
    if (queued.length === 0 && timer) {
      clearTimeout(timer);
      timer = undefined;
    }
  };
  return {
    add(keys) {
      queued = queued.concat(keys);
      drain(false);
      if (queued.length > 0 && !timer) {
        timer = setTimeout(() => {
          timer = undefined;
          drain(true);
        }, maxDelayMs);
      }
    },
    async flush() {
      drain(true);
      await Promise.all([...inFlight]);
    },
    get pending() {
      return queued.length;
    },
  };
}

/**
 * Re-publishes outbox records older than `olderThanMs` (default one minute: a writer that is
 * still alive relays its own sooner) from every shard, oldest first. `overdue` counts every
 * record past that age the pass found, published or not: the backlog the writers' relays left
 * (a record that can never be published is found by every pass).
 */
export async function sweepOutbox(
  deps: RelayDeps,
  options: { olderThanMs?: number; now?: Date; pageSize?: number } = {},
): Promise<{ published: number; overdue: number }> {
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.olderThanMs ?? 60_000)).toISOString();
  let published = 0;
  let overdue = 0;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await deps.db.doc.send(
        new QueryCommand({
          TableName: deps.db.tableName,
          KeyConditionExpression: "PK = :pk AND SK < :cutoff",
          ExpressionAttributeValues: { ":pk": outboxPk(shard), ":cutoff": cutoff },
          Limit: options.pageSize ?? 100,
          ExclusiveStartKey: startKey,
        }),
      );
      const records: OutboxRecord[] = [];
      overdue += page.Items?.length ?? 0;
      for (const item of page.Items ?? []) {
        try {
          records.push(outboxRecordEntity.fromItem(item));
        } catch (err) {
          // One corrupt item must not stop the sweep of everything after it.
          deps.log.error({ err, PK: item.PK, SK: item.SK }, "outbox item does not parse; left for inspection");
        }
      }
      published += (await relayOutboxRecords(deps, records)).published;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  if (published) deps.log.info({ published, overdue }, "outbox sweep re-published events");
  return { published, overdue };
}
