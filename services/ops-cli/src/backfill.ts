import { createHash } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { PSD2_UNATTENDED_HISTORY_DAYS, PSD2_UNATTENDED_PER_DAY, utcDay } from "@expenzez/common";
import { backfillExpiry } from "@expenzez/db";
import { type SyncJob, syncJobSchema } from "@expenzez/events";
import { unattendedToday } from "@expenzez/sync";
import { type ConnectionRef, findConnections } from "./connections";
import type { OpsContext } from "./context";
import { OpsError, usageError } from "./errors";

const DAY_MS = 86_400_000;

export interface BackfillOptions {
  /** Oldest day to reach back to, `YYYY-MM-DD` (UTC). */
  from: string;
  userId?: string;
  connectionId?: string;
  /** The user's IP in a support session where they are present: jobs are attended (no 90-day or daily limit). */
  psuIp?: string;
  /** Names the checkpoint; by default it is derived from the other options, so the same command resumes. */
  id?: string;
  now?: Date;
  /** Called after each connection is dealt with (a progress bar; tests stop a run here). */
  onProgress?: (progress: BackfillProgress) => void;
}

export interface BackfillProgress {
  total: number;
  /** Queued, by this run or an earlier one of the same backfill. */
  queued: number;
  deferred: number;
  skipped: number;
}

type Ref = Pick<ConnectionRef, "userId" | "connectionId">;

export interface BackfillResult {
  backfillId: string;
  from: string;
  attended: boolean;
  total: number;
  /** Queued by this run. */
  queuedNow: Ref[];
  /** Queued by an earlier run of this backfill (found in its checkpoint): not sent again. */
  alreadyQueued: number;
  /** The connection has used its four unattended refreshes today: run the same command tomorrow. */
  deferred: Ref[];
  /** Not active: only the user can reconnect it. */
  skipped: (Ref & { status: string })[];
  /** `done` when every active connection is queued. */
  status: "running" | "done";
}

const short = (text: string) => createHash("sha256").update(text, "utf8").digest("hex").slice(0, 16);

/** The checkpoint's id for a set of options: the same command finds the same checkpoint. */
export function backfillIdOf(options: Pick<BackfillOptions, "from" | "userId" | "connectionId" | "psuIp">): string {
  return `bf-${short(JSON.stringify([options.from, options.userId ?? null, options.connectionId ?? null, options.psuIp !== undefined]))}`;
}

/** One job id per (backfill, connection): a job sent twice (killed between send and checkpoint) is a repeat to the worker. */
export function backfillJobId(backfillId: string, userId: string, connectionId: string): string {
  return `${backfillId}-${short(`${userId}\n${connectionId}`)}`;
}

function checkFrom(from: string, now: Date, attended: boolean): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || Number.isNaN(Date.parse(`${from}T00:00:00Z`)) || new Date(`${from}T00:00:00Z`).toISOString().slice(0, 10) !== from) {
    throw usageError(`--from must be a date YYYY-MM-DD, got "${from}"`);
  }
  if (from > utcDay(now)) throw usageError(`--from ${from} is in the future`);
  const oldestUnattended = utcDay(new Date(now.getTime() - (PSD2_UNATTENDED_HISTORY_DAYS - 1) * DAY_MS));
  if (!attended && from < oldestUnattended) {
    throw new OpsError(
      "ops.backfill.user_not_present",
      `--from ${from} is more than ${PSD2_UNATTENDED_HISTORY_DAYS} days back: without the user present the bank serves ${oldestUnattended} onwards (PSD2). ` +
        "Reach further only in a session with the user present, passing their IP as --psu-ip.",
      2,
    );
  }
}

/**
 * Queues a `backfill` sync job reaching back to `from` for each active connection of a user,
 * one connection, or every connection, with a checkpoint in the table (`BACKFILL#<id>`): one step
 * per queued connection, written after its job was sent. Running the same command again resumes:
 * connections already queued are not sent again.
 *
 * PSD2: without `psuIp` a backfill job is an unattended refresh. A connection that has used its
 * four today is deferred, not queued (the run ends `running`; run it again tomorrow), and the
 * worker still skips one that meets a spent budget. With `psuIp` (the user present) the jobs are
 * attended and may reach past 90 days.
 */
export async function backfill(ctx: OpsContext, options: BackfillOptions): Promise<BackfillResult> {
  const now = options.now ?? new Date();
  const attended = options.psuIp !== undefined;
  if (attended && !syncJobSchema.shape.psuIp.safeParse(options.psuIp).success) throw usageError(`--psu-ip must be an IP address, got "${options.psuIp}"`);
  checkFrom(options.from, now, attended);
  const backfillId = options.id ?? backfillIdOf(options);
  const target = options.userId || options.connectionId ? { userId: options.userId, connectionId: options.connectionId } : { all: true };
  const connections = await findConnections(ctx, "backfill", target);

  const { backfills } = ctx.repos;
  const existing = await backfills.getRun(backfillId);
  if (existing && existing.from !== options.from)
    throw usageError(`backfill ${backfillId} reaches back to ${existing.from}, not ${options.from}: give another --id`);
  const done = new Set((await backfills.listSteps(backfillId)).map((s) => `${s.userId}\n${s.connectionId}`));
  const at = now.toISOString();
  const header = {
    backfillId,
    from: options.from,
    ...(options.userId ? { userId: options.userId } : {}),
    ...(options.connectionId ? { connectionId: options.connectionId } : {}),
    attended,
    total: connections.length,
    createdAt: existing?.createdAt ?? at,
    expiresAt: backfillExpiry(at),
  };
  await backfills.putRun({ ...header, status: "running", queued: done.size, updatedAt: at });

  const { queueUrl } = await ctx.queueUrls("syncJobs");
  const result: BackfillResult = {
    backfillId,
    from: options.from,
    attended,
    total: connections.length,
    queuedNow: [],
    alreadyQueued: 0,
    deferred: [],
    skipped: [],
    status: "running",
  };
  const progress = (): BackfillProgress => ({
    total: connections.length,
    queued: result.alreadyQueued + result.queuedNow.length,
    deferred: result.deferred.length,
    skipped: result.skipped.length,
  });
  for (const c of connections) {
    const ref = { userId: c.userId, connectionId: c.connectionId };
    if (done.has(`${c.userId}\n${c.connectionId}`)) result.alreadyQueued++;
    else if (c.status !== "active") result.skipped.push({ ...ref, status: c.status });
    else if (!attended && unattendedToday(c, now) >= PSD2_UNATTENDED_PER_DAY) result.deferred.push(ref);
    else {
      const jobId = backfillJobId(backfillId, c.userId, c.connectionId);
      const job: SyncJob = syncJobSchema.parse({
        jobId,
        userId: c.userId,
        connectionId: c.connectionId,
        reason: "backfill",
        requestedAt: at,
        backfillFrom: options.from,
        // One id follows the whole backfill through the logs.
        correlationId: backfillId,
        ...(options.psuIp ? { psuIp: options.psuIp } : {}),
      });
      await ctx.aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(job),
          MessageAttributes: { correlationId: { DataType: "String", StringValue: backfillId } },
        }),
      );
      await backfills.markQueued({ backfillId, ...ref, jobId, queuedAt: new Date().toISOString(), expiresAt: backfillExpiry(at) });
      result.queuedNow.push(ref);
    }
    options.onProgress?.(progress());
  }
  result.status = result.deferred.length === 0 ? "done" : "running";
  await backfills.putRun({ ...header, status: result.status, queued: progress().queued, updatedAt: new Date().toISOString() });
  return result;
}
