import { type TransactAction, TransactionConditionalCheckFailedError, transactWrite } from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import { outboxItem, relayOutboxRecords } from "@expenzez/runtime";
import type { RecategoriseDeps } from "./deps";
import { RecategoriseConflictError } from "./errors";

/**
 * Writes `actions` and the event's outbox item in one transaction, then relays the event.
 * A failed relay is only logged: the outbox sweep publishes it later.
 */
export async function commitWithEvent(deps: RecategoriseDeps, actions: TransactAction[], event: DomainEvent): Promise<void> {
  const { record, item } = outboxItem(event);
  await transactWrite(deps.db.doc, [...actions, { Put: { TableName: deps.db.tableName, Item: item, ConditionExpression: "attribute_not_exists(PK)" } }]);
  await relayOutboxRecords(deps.relay, [record]).catch((err) =>
    deps.log.warn({ err, eventId: record.eventId }, "event committed but not relayed yet; the outbox sweep will publish it"),
  );
}

/**
 * Runs `attempt` until it commits. A version condition that fails means a concurrent writer
 * (usually a sync) changed an item since we read it: `attempt` re-reads and re-decides, never
 * replays stale writes.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, what: string, maxAttempts = 4): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof TransactionConditionalCheckFailedError)) throw err;
      if (n >= maxAttempts) throw new RecategoriseConflictError(`${what}: lost ${n} races with concurrent writers`, { cause: err });
    }
  }
}
