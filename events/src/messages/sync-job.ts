import { z } from "zod";

/**
 * Why a sync was asked for. `scheduled` and `backfill` runs without the user present count
 * against the PSD2 unattended limit (see `countsAsUnattended`).
 */
export const SYNC_REASONS = ["scheduled", "refresh_now", "webhook", "backfill"] as const;
export type SyncReason = (typeof SYNC_REASONS)[number];

/** A stored id: it becomes a key segment, so no `#` (the key builders refuse it). */
const id = z
  .string()
  .min(1)
  .max(256)
  .refine((v) => !v.includes("#"), { message: 'must not contain "#"' });
/**
 * The job id travels as the events' `correlationId` and the idempotency key: both allow 128
 * characters, so a longer one is refused here rather than after the commit.
 */
export const JOB_ID_MAX = 128;

/**
 * The newest SyncJob version (ADR 0046). v1 jobs carry no `version`; v2 adds `results`, which
 * changes what the worker does (store a TrueLayer async result instead of reading the bank), so
 * a v2 job says so: a worker that knows only v1 would refuse `version: 2` rather than run a
 * plain sync. Workers are deployed before any producer sends v2.
 */
export const SYNC_JOB_VERSION = 2;

/** An async task's outcome as TrueLayer's callback reported it. */
export const ASYNC_TASK_STATUSES = ["Succeeded", "Failed"] as const;

/**
 * A TrueLayer async data request that has finished (`?async=true&webhook_uri=…`): where its
 * results are served, the task, and what was asked (`requestUri` without its `webhook_uri`,
 * which holds our secret). The worker fetches `uri` only from its own TrueLayer data host.
 */
export const asyncResultsRefSchema = z.object({
  uri: z.url({ protocol: /^https?$/ }).max(2048),
  taskId: z.string().min(1).max(256),
  /** As long as the webhook's callback may carry it (`request_uri`, 4,096): a callback accepted there is never refused here. */
  requestUri: z.url({ protocol: /^https?$/ }).max(4096),
  status: z.enum(ASYNC_TASK_STATUSES),
});
export type AsyncResultsRef = z.output<typeof asyncResultsRefSchema>;

/**
 * The message on the sync-jobs queue. The scheduler, the webhook receiver and the app's
 * "refresh now" all send this shape; the sync worker parses it.
 */
export const syncJobSchema = z
  .object({
    /** Absent: 1. Any version this code does not know is refused (a permanent error, to the DLQ). */
    version: z.union([z.literal(1), z.literal(2)]).optional(),
    jobId: z
      .string()
      .min(1)
      .max(JOB_ID_MAX)
      .refine((v) => !v.includes("#"), { message: 'must not contain "#"' }),
    userId: id,
    connectionId: id,
    reason: z.enum(SYNC_REASONS),
    requestedAt: z.iso.datetime({ offset: true }),
    /** The user's IP when they are present (`refresh_now`): sent as X-PSU-IP, lifts the daily limit. */
    psuIp: z.union([z.ipv4(), z.ipv6()]).optional(),
    /** The request (webhook, scheduler tick) that asked for this job, for following it through the logs. */
    correlationId: z.string().min(1).max(128).optional(),
    /**
     * A backfill's oldest day (`YYYY-MM-DD`, UTC): the booked window reaches back to it. Without the
     * user present the bank still serves at most 90 days, so the worker clamps an unattended one.
     */
    backfillFrom: z.iso.date().optional(),
    /** v2: store the results of a finished async request (the webhook's results callback). */
    results: asyncResultsRefSchema.optional(),
  })
  .refine((job) => job.results === undefined || job.version === 2, { message: "a job with results is version 2", path: ["version"] });
export type SyncJob = z.output<typeof syncJobSchema>;
export type SyncJobInput = z.input<typeof syncJobSchema>;

/**
 * Parses a queue message body into a job, or says why it cannot be one.
 *
 * @example parseSyncJob('{"jobId":"j1","userId":"u1","connectionId":"c1","reason":"scheduled","requestedAt":"2026-11-25T10:00:00Z"}')
 */
export function parseSyncJob(body: string): { ok: true; job: SyncJob } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  const parsed = syncJobSchema.safeParse(json);
  if (parsed.success) return { ok: true, job: parsed.data };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") };
}

/** A job is attended when the user is there to pass strong customer authentication's checks. */
export function isAttended(job: Pick<SyncJob, "reason" | "psuIp">): boolean {
  return (job.reason === "refresh_now" || job.reason === "backfill") && job.psuIp !== undefined;
}

/**
 * True when the job uses one of the connection's four unattended refreshes of the day: a
 * scheduled or backfill run without the user present. The worker skips such a job once the
 * day's four are spent, and the ops CLI's backfill defers it.
 */
export function countsAsUnattended(job: Pick<SyncJob, "reason" | "psuIp">): boolean {
  return (job.reason === "scheduled" || job.reason === "backfill") && !isAttended(job);
}

/**
 * The correlation id a job's work carries into its log lines and the events it publishes: the
 * producer's (the webhook request, the scheduler tick) or, for a job sent without one, its own id.
 */
export function jobCorrelationId(job: Pick<SyncJob, "jobId" | "correlationId">): string {
  return job.correlationId ?? job.jobId;
}
