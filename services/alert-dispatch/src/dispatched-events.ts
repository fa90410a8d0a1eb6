import { type Db, type OutboxRecord, outboxRecordEntity, type TransactAction, txPutNew } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { outboxItem } from "@expenzez/runtime";

/** One NotificationDispatched: what happened to a notification on one channel (and device). */
export interface DispatchOutcome {
  userId: string;
  notificationId: string;
  sourceEventId?: string;
  correlationId?: string;
  alertType: string;
  channel: "push" | "email";
  status: "sent" | "deferred" | "suppressed" | "failed";
  reason?: string;
  deferredUntil?: string;
}

// A summary has no source event; its id names the window it stands for.
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/** The outbox Put of one NotificationDispatched, for the same TransactWriteItems as the history change it reports. */
export function dispatchedAction(db: Db, o: DispatchOutcome, now: Date): { action: TransactAction; record: OutboxRecord } {
  const event = buildEvent("NotificationDispatched", {
    userId: o.userId,
    notificationId: o.notificationId,
    sourceEventId: o.sourceEventId ?? NIL_UUID,
    alertType: o.alertType,
    channel: o.channel,
    status: o.status,
    occurredAt: now.toISOString(),
    ...(o.correlationId ? { correlationId: o.correlationId } : {}),
    ...(o.reason ? { reason: o.reason } : {}),
    ...(o.deferredUntil ? { deferredUntil: o.deferredUntil } : {}),
  });
  const { record } = outboxItem(event, now.toISOString());
  return { action: txPutNew(db, outboxRecordEntity, record), record };
}
