import { TTL_ATTRIBUTE } from "@expenzez/resources";
import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { epochSeconds, id, isoDate, isoDateTime, timestamps } from "./common";

/** Checkpoints outlive any sensible backfill run, then go by TTL. */
export const BACKFILL_TTL_DAYS = 30;

/** TTL (epoch seconds) of a checkpoint item written at `at`. */
export function backfillExpiry(at: string): number {
  return Math.floor(Date.parse(at) / 1000) + BACKFILL_TTL_DAYS * 86_400;
}

/** A backfill's header: the day it reaches back to, whom it covers, and how far it has got. */
export const backfillRunSchema = z.object({
  backfillId: id,
  from: isoDate,
  /** Absent both: every connection. */
  userId: id.optional(),
  connectionId: id.optional(),
  /** Jobs carry the user's IP (support session with the user present): not counted as unattended. */
  attended: z.boolean(),
  status: z.enum(["running", "done"]),
  /** Connections found at the latest run, and how many of them are queued. */
  total: z.int().nonnegative(),
  queued: z.int().nonnegative(),
  expiresAt: epochSeconds,
  ...timestamps,
});
export type BackfillRun = z.output<typeof backfillRunSchema>;

/** `BACKFILL#<id>` / `RUN`, with TTL. */
export const backfillRunEntity = defineEntity("BackfillRun", backfillRunSchema, (r) => ({
  ...keys.backfillRun(r.backfillId),
  [TTL_ATTRIBUTE]: r.expiresAt,
}));

/** One connection a backfill has queued a job for (written after the send succeeded). */
export const backfillStepSchema = z.object({
  backfillId: id,
  userId: id,
  connectionId: id,
  jobId: z.string().min(1).max(128),
  queuedAt: isoDateTime,
  expiresAt: epochSeconds,
});
export type BackfillStep = z.output<typeof backfillStepSchema>;

/** `BACKFILL#<id>` / `STEP#<userId>#<connectionId>`, with TTL. */
export const backfillStepEntity = defineEntity("BackfillStep", backfillStepSchema, (s) => ({
  ...keys.backfillStep(s.backfillId, s.userId, s.connectionId),
  [TTL_ATTRIBUTE]: s.expiresAt,
}));
