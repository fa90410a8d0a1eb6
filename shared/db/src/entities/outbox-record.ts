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
export function newOutboxRecord(event: { eventId: string; detailType: string; source: string; detail: unknown; createdAt: string }): OutboxRecord {
  return outboxRecordEntity.parse({ ...event, detail: JSON.stringify(event.detail), shard: outboxShard(event.eventId) });
}
