import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { type SyncJob, syncJobSchema } from "@expenzez/events";
import { findConnections } from "./connections";
import type { OpsContext } from "./context";
import { usageError } from "./errors";

export interface ResyncResult {
  queued: { userId: string; connectionId: string; jobId: string }[];
  /** Connections that cannot sync until the user reconnects (not active). */
  skipped: { userId: string; connectionId: string; status: string }[];
}

/**
 * Queues a sync job for a user's active connections, or one connection. Jobs go out as
 * `scheduled`: nobody is present to pass strong customer authentication, so they count against
 * the PSD2 unattended limit like any background sync (the worker enforces it).
 */
export async function resync(ctx: OpsContext, target: { userId?: string; connectionId?: string }, now = new Date()): Promise<ResyncResult> {
  if (!target.userId && !target.connectionId) throw usageError("resync needs --user or --connection");
  const found = await findConnections(ctx, "resync", target);
  const { queueUrl } = await ctx.queueUrls("syncJobs");
  const result: ResyncResult = { queued: [], skipped: [] };
  for (const c of found) {
    if (c.status !== "active") {
      result.skipped.push({ userId: c.userId, connectionId: c.connectionId, status: c.status });
      continue;
    }
    const jobId = `ops-resync-${randomUUID()}`;
    const job: SyncJob = syncJobSchema.parse({
      jobId,
      userId: c.userId,
      connectionId: c.connectionId,
      reason: "scheduled",
      requestedAt: now.toISOString(),
      correlationId: jobId,
    });
    await ctx.aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { correlationId: { DataType: "String", StringValue: jobId } },
      }),
    );
    result.queued.push({ userId: c.userId, connectionId: c.connectionId, jobId });
  }
  return result;
}
