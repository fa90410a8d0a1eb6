import { type Db, type OutboxRecord, outboxRecordEntity, type TransactAction, transactWrite, txPutNew } from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import { outboxItem, relayOutboxRecords } from "@expenzez/runtime";
import type { BudgetDeps } from "./deps";

// TODO(platform): replace with the runtime's commitWithEvents once it lands (issue 7, section 4).
/** Commits `actions` with the events' outbox items in one TransactWriteItems, then relays them. */
export async function commitWithEvents(deps: BudgetDeps, actions: TransactAction[], events: DomainEvent[], now: Date): Promise<void> {
  const records: OutboxRecord[] = [];
  const outbox = events.map((event) => {
    const { record } = outboxItem(event, now.toISOString());
    records.push(record);
    return txPutNew(deps.db as Db, outboxRecordEntity, record);
  });
  await transactWrite(deps.db.doc, [...actions, ...outbox]);
  if (records.length === 0) return;
  await relayOutboxRecords(deps.relay, records).catch((err: unknown) =>
    deps.log.warn({ err, events: records.length }, "budget events committed but not relayed yet; the outbox sweep will publish them"),
  );
}
