import { TTL_ATTRIBUTE } from "@expenzez/resources";
import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { epochSeconds, isoDateTime, timestamps } from "./common";

export const idempotencyRecordSchema = z.object({
  consumer: z.string().min(1),
  key: z.string().min(1),
  status: z.enum(["in_progress", "completed"]),
  /** A crashed worker's claim lapses at this time and another delivery may take over. */
  inProgressUntil: isoDateTime.optional(),
  /** JSON text of the handler's result, returned to replays. */
  result: z.string().optional(),
  /** Epoch seconds; copied to the table's TTL attribute. */
  expiresAt: epochSeconds,
  ...timestamps,
});
export type IdempotencyRecord = z.output<typeof idempotencyRecordSchema>;

/** `IDEMP#<consumer>#<key>` / `IDEMP`, with TTL. */
export const idempotencyRecordEntity = defineEntity("Idempotency", idempotencyRecordSchema, (r) => ({
  ...keys.idempotency(r.consumer, r.key),
  [TTL_ATTRIBUTE]: r.expiresAt,
}));
