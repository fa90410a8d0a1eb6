import { z } from "zod";
import { defineEntity } from "../entity";
import { keys, OUTBOX_SHARDS, outboxShard } from "../keys";
import { id, isoDateTime } from "./common";

const jsonText = z.string().refine(
  (s) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be JSON text" },
);

export const outboxRecordSchema = z.object({
  eventId: id,
  detailType: z.string().min(1),
  source: z.string().min(1),
  /** The event detail as JSON text, published verbatim. */
  detail: jsonText,
  createdAt: isoDateTime,
  /**
   * Further events committed with this one, published with it (JSON text of
   * `{ eventId, detailType, source, detail }[]`): one item can announce all of a transaction's
   * events, so a write that raises many costs one outbox put and one delete (ADR 0068).
   */
  bundled: jsonText.optional(),
  shard: z
    .int()
    .min(0)
    .max(OUTBOX_SHARDS - 1),
  publishAttempts: z.int().nonnegative().default(0),
});
export type OutboxRecord = z.output<typeof outboxRecordSchema>;

/** `OUTBOX#<shard>` / `<createdAt>#<eventId>`. */
export const outboxRecordEntity = defineEntity("Outbox", outboxRecordSchema, (o) => keys.outbox(o.shard, o.createdAt, o.eventId));

/**
 * An outbox record for an event, sharded by its id.
 *
 * @example newOutboxRecord({ eventId, detailType: "TransactionsSynced", source: "expenzez.sync", detail, createdAt })
 */
export function newOutboxRecord(
  event: { eventId: string; detailType: string; source: string; detail: unknown; createdAt: string },
  bundled: readonly { eventId: string; detailType: string; source: string; detail: unknown }[] = [],
): OutboxRecord {
  return outboxRecordEntity.parse({
    ...event,
    detail: JSON.stringify(event.detail),
    ...(bundled.length
      ? { bundled: JSON.stringify(bundled.map((e) => ({ eventId: e.eventId, detailType: e.detailType, source: e.source, detail: e.detail }))) }
      : {}),
    shard: outboxShard(event.eventId),
  });
}
