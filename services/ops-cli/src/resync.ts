import { randomUUID } from "node:crypto";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { SK_PREFIX, userPk } from "@expenzez/db";
import { type SyncJob, syncJobSchema } from "@expenzez/events";
import type { OpsContext } from "./context";
import { OpsError, usageError } from "./errors";

type ConnectionRef = { userId: string; connectionId: string; status: string };

export interface ResyncResult {
  queued: { userId: string; connectionId: string; jobId: string }[];
  /** Connections that cannot sync until the user reconnects (not active). */
  skipped: ConnectionRef[];
}

async function connectionsOfUser(ctx: OpsContext, userId: string): Promise<ConnectionRef[]> {
  const out = await ctx.db.doc.send(
    new QueryCommand({
      TableName: ctx.db.tableName,
      KeyConditionExpression: "PK = :pk AND begins_with(SK, :bank)",
      ExpressionAttributeValues: { ":pk": userPk(userId), ":bank": SK_PREFIX.connection },
      ProjectionExpression: "userId, connectionId, #s",
      ExpressionAttributeNames: { "#s": "status" },
    }),
  );
  return (out.Items ?? []) as ConnectionRef[];
}

/** A connection found by its id alone has no index: a scan filtered to connection items. */
async function connectionById(ctx: OpsContext, connectionId: string): Promise<ConnectionRef[]> {
  const found: ConnectionRef[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.doc.send(
      new ScanCommand({
        TableName: ctx.db.tableName,
        FilterExpression: "begins_with(SK, :bank) AND connectionId = :c",
        ExpressionAttributeValues: { ":bank": SK_PREFIX.connection, ":c": connectionId },
        ProjectionExpression: "userId, connectionId, #s",
        ExpressionAttributeNames: { "#s": "status" },
        ExclusiveStartKey: startKey,
      }),
    );
    found.push(...((page.Items ?? []) as ConnectionRef[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return found;
}

/**
 * Queues a sync job for a user's active connections, or one connection. Jobs go out as
 * `scheduled`: nobody is present to pass strong customer authentication, so they count against
 * the PSD2 unattended limit like any background sync (the worker enforces it).
 */
export async function resync(ctx: OpsContext, target: { userId?: string; connectionId?: string }, now = new Date()): Promise<ResyncResult> {
  if (!target.userId && !target.connectionId) throw usageError("resync needs --user or --connection");
  let found = target.userId ? await connectionsOfUser(ctx, target.userId) : await connectionById(ctx, target.connectionId ?? "");
  if (target.connectionId) found = found.filter((c) => c.connectionId === target.connectionId);
  if (found.length === 0)
    throw new OpsError(
      "ops.resync.not_found",
      `no connection for ${target.userId ? `user ${target.userId}` : ""}${target.connectionId ? ` connection ${target.connectionId}` : ""}`.trim(),
    );
  const { queueUrl } = await ctx.queueUrls("syncJobs");
  const result: ResyncResult = { queued: [], skipped: [] };
  for (const c of found) {
    if (c.status !== "active") {
      result.skipped.push(c);
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
