import type { BankConnection } from "@expenzez/db";
import type { SyncJob } from "@expenzez/events";
import { LeaseHeldError } from "./errors";

/**
 * Many jobs for one connection (the schedule, a webhook, "refresh now", their duplicates) meet
 * at its lease. Two answers keep them from spending the queue's receives on waiting:
 *
 * - **covered**: a sync that *completed* and had started (`lastSyncAt`, the run's start) at or
 *   after the job was requested (`requestedAt`) read the bank later than whatever asked for
 *   the job, so the job's work is done: acknowledged as a no-op, the bank not called (no PSD2
 *   refresh spent). A running holder never covers a job: its sync may still fail, and the job
 *   would then be lost. A backfill is never covered: it reaches further back than a sync; nor
 *   is a results job (v2): it stores an async request's history, which no sync reads.
 * - otherwise the lease is waited for by deferral (`LeaseHeldError` is a runtime
 *   `DeferMessage`): the message goes back delayed, no receive spent, the deferral count carried
 *   on it and bounded by the runtime. The copy then finds the job completed (`recentJobIds`),
 *   covered, or the lease free.
 */
export function coveredByCompletedSync(
  connection: Pick<BankConnection, "lastSyncAt">,
  job: Pick<SyncJob, "requestedAt" | "backfillFrom" | "results">,
): boolean {
  if (job.backfillFrom !== undefined || job.results !== undefined || connection.lastSyncAt === undefined) return false;
  return Date.parse(connection.lastSyncAt) >= Date.parse(job.requestedAt);
}

/**
 * The deferral for a job that found the lease held: soon at first (most syncs take seconds),
 * doubling with each deferral, never past the holder's remaining lease (a dead holder's lease
 * then has lapsed), jittered so copies spread out.
 *
 * @example leaseHeld("c1", { remainingSeconds: 200, deferrals: 0, retrySeconds: 15, random: () => 1 }) // delay 15 s
 */
export function leaseHeld(
  connectionId: string,
  input: { remainingSeconds: number; deferrals: number; retrySeconds: number; random: () => number; cause?: unknown },
): LeaseHeldError {
  const backoff = input.retrySeconds * 2 ** Math.min(input.deferrals, 6) * (0.5 + input.random() / 2);
  const delay = Math.max(1, Math.ceil(Math.min(input.remainingSeconds, backoff)));
  return new LeaseHeldError(connectionId, delay, input.cause === undefined ? undefined : { cause: input.cause });
}
