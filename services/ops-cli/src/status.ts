import { QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { CONNECTION_STATUSES, OUTBOX_SHARDS, outboxPk, SK_PREFIX } from "@expenzez/db";
import type { QueueId } from "@expenzez/resources";
import type { OpsContext } from "./context";
import { peekMessages, queueDepth } from "./dlq";
import { pagesOf } from "./pages";

export interface QueueStatus {
  queue: QueueId;
  depth: number;
  inFlight: number;
  dlqDepth: number;
  /**
   * Age in seconds of the oldest DLQ message seen by a peek. Source queues are not peeked (a
   * receive counts towards maxReceiveCount), so their age is null: read CloudWatch's
   * ApproximateAgeOfOldestMessage there.
   */
  dlqOldestAgeSeconds: number | null;
}

export interface ConnectionsStatus {
  byStatus: Record<string, number>;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  failing: number;
  lastErrorCode: string | null;
  /** Connections whose sealed tokens could not be opened, by whose fault (ADR 0073; `connection token-faults` lists them). */
  tokenFaults: { record: number; key: number };
}

export interface Status {
  stage: string;
  queues: QueueStatus[];
  outbox: { backlog: number; oldestAt: string | null };
  connections: ConnectionsStatus;
}

export async function queueStatuses(ctx: OpsContext, now = Date.now()): Promise<QueueStatus[]> {
  const out: QueueStatus[] = [];
  for (const id of Object.keys(ctx.def.queues) as QueueId[]) {
    const { queueUrl, dlqUrl } = await ctx.queueUrls(id);
    const [main, dlq] = await Promise.all([queueDepth(ctx, queueUrl), queueDepth(ctx, dlqUrl)]);
    let dlqOldestAgeSeconds: number | null = null;
    if (dlq.visible > 0) {
      const sent = (await peekMessages(ctx, dlqUrl, 10)).map((m) => Number(m.Attributes?.SentTimestamp)).filter(Number.isFinite);
      if (sent.length) dlqOldestAgeSeconds = Math.max(0, Math.round((now - Math.min(...sent)) / 1000));
    }
    out.push({ queue: id, depth: main.visible + main.delayed, inFlight: main.inFlight, dlqDepth: dlq.visible + dlq.inFlight, dlqOldestAgeSeconds });
  }
  return out;
}

/** Outbox records not yet relayed, across every shard; the oldest is the first sort key of a shard. */
export async function outboxBacklog(ctx: OpsContext): Promise<{ backlog: number; oldestAt: string | null }> {
  let backlog = 0;
  let oldestAt: string | null = null;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const pages = pagesOf<{ createdAt?: string }>((startKey) =>
      ctx.db.doc.send(
        new QueryCommand({
          TableName: ctx.db.tableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": outboxPk(shard) },
          ProjectionExpression: "SK, createdAt",
          ExclusiveStartKey: startKey,
        }),
      ),
    );
    for await (const page of pages) {
      backlog += page.length;
      const first = page[0]?.createdAt;
      if (first && (!oldestAt || first < oldestAt)) oldestAt = first;
    }
  }
  return { backlog, oldestAt };
}

/** The attributes `connectionsStatus` projects of a connection item (raw, not parsed). */
interface ConnectionSummaryItem {
  status?: string;
  lastSyncAt?: string;
  nextSyncAt?: string;
  updatedAt?: string;
  syncStats?: { consecutiveFailures?: number; lastErrorCode?: string };
  tokenFault?: { fault?: string };
}

/**
 * Connections by status with the latest sync, the next due one and failures. GSI4 holds only
 * active connections, so this scans the table for connection items (projected to a few
 * attributes): fine for an operator's look, not for a hot path.
 */
export async function connectionsStatus(ctx: OpsContext): Promise<ConnectionsStatus> {
  const byStatus: Record<string, number> = Object.fromEntries(CONNECTION_STATUSES.map((s) => [s, 0]));
  const summary: ConnectionsStatus = { byStatus, lastSyncAt: null, nextSyncAt: null, failing: 0, lastErrorCode: null, tokenFaults: { record: 0, key: 0 } };
  let lastErrorAt = "";
  const pages = pagesOf<ConnectionSummaryItem>((startKey) =>
    ctx.db.doc.send(
      new ScanCommand({
        TableName: ctx.db.tableName,
        FilterExpression: "begins_with(SK, :bank)",
        ExpressionAttributeValues: { ":bank": SK_PREFIX.connection },
        ProjectionExpression: "#s, lastSyncAt, nextSyncAt, syncStats, updatedAt, tokenFault",
        ExpressionAttributeNames: { "#s": "status" },
        ExclusiveStartKey: startKey,
      }),
    ),
  );
  for await (const page of pages) {
    for (const c of page) {
      const status = String(c.status);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (c.lastSyncAt && (!summary.lastSyncAt || c.lastSyncAt > summary.lastSyncAt)) summary.lastSyncAt = c.lastSyncAt;
      if (status === "active" && c.nextSyncAt && (!summary.nextSyncAt || c.nextSyncAt < summary.nextSyncAt)) summary.nextSyncAt = c.nextSyncAt;
      const fault = c.tokenFault?.fault;
      if (fault === "record" || fault === "key") summary.tokenFaults[fault]++;
      const stats = c.syncStats;
      if (stats?.consecutiveFailures) {
        summary.failing++;
        const at = String(c.updatedAt ?? "");
        if (stats.lastErrorCode && at >= lastErrorAt) {
          lastErrorAt = at;
          summary.lastErrorCode = stats.lastErrorCode;
        }
      }
    }
  }
  return summary;
}

export async function collectStatus(ctx: OpsContext): Promise<Status> {
  return { stage: ctx.def.stage, queues: await queueStatuses(ctx), outbox: await outboxBacklog(ctx), connections: await connectionsStatus(ctx) };
}
