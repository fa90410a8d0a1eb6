import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, keys, SK_PREFIX } from "@expenzez/db";
import type { StackHandles } from "@expenzez/infra";
import { checkInvariants } from "@expenzez/invariants";

/** What the pipeline left in the table, per kind, read back after the jobs drained. */
export interface Stored {
  users: number;
  connectionsSynced: number;
  accounts: number;
  transactions: number;
  byCategory: Map<string, { count: number; outMinor: number; inMinor: number }>;
  budgets: number;
  budgetsRecalculated: number;
  recurringStreams: number;
  notifications: Record<string, number>;
  /** Notifications not (yet) delivered, by `<status>: <reason>` (the reason code alert-dispatch recorded). */
  notificationReasons: Record<string, number>;
  /** Invariant checks that failed, each a sentence. */
  violations: string[];
  /** Outbox records whose event the bus carried, still waiting for the relay's batched delete. */
  outboxAwaitingDelete: number;
}

/** Every item under a user's partition (one paged Query). */
async function userItems(db: Db, userId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: "PK = :pk",
        ExpressionAttributeValues: { ":pk": keys.profile(userId).PK },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * Reads back every seeded user's items for the summary's figures, and checks the invariants
 * with the one checker the fault suite uses too (@expenzez/invariants): counters, nothing
 * stored twice, budgets against an independent sum, alerts once, every synced connection
 * announced, nothing left in the outbox, no token in plaintext at rest.
 */
export async function readStored(
  db: Db,
  users: { userId: string; connectionId: string; tokens: string[] }[],
  announced: { syncedConnections: ReadonlySet<string>; eventIds: ReadonlySet<string> },
): Promise<Stored> {
  const out: Stored = {
    users: users.length,
    connectionsSynced: 0,
    accounts: 0,
    transactions: 0,
    byCategory: new Map(),
    budgets: 0,
    budgetsRecalculated: 0,
    recurringStreams: 0,
    notifications: {},
    notificationReasons: {},
    violations: [],
    outboxAwaitingDelete: 0,
  };
  for (const user of users) {
    const items = await userItems(db, user.userId);
    const sk = (i: Record<string, unknown>) => String(i.SK);
    for (const item of items) {
      // Soft-deleted ones (a pending hold that vanished) are kept but off every count.
      if (sk(item).startsWith(SK_PREFIX.transaction) && item.deletedAt === undefined) {
        out.transactions++;
        if (item.status === "booked") {
          const primary = String((item.category as { primary?: string } | undefined)?.primary ?? "other");
          const row = out.byCategory.get(primary) ?? { count: 0, outMinor: 0, inMinor: 0 };
          const minor = Number(item.amountMinor);
          row.count++;
          // Direction from the stored field, never from the sign (card debits come positive).
          if (item.direction === "debit") row.outMinor += Math.abs(minor);
          else row.inMinor += Math.abs(minor);
          out.byCategory.set(primary, row);
        }
      } else if (sk(item).startsWith(SK_PREFIX.account)) out.accounts++;
      else if (sk(item).startsWith(SK_PREFIX.budget)) {
        out.budgets++;
        if (Number(item.version) > 1) out.budgetsRecalculated++;
      } else if (sk(item).startsWith(SK_PREFIX.recurring)) out.recurringStreams++;
      else if (sk(item).startsWith(SK_PREFIX.notificationHistory)) {
        const status = String(item.status);
        out.notifications[status] = (out.notifications[status] ?? 0) + 1;
        if (status !== "delivered") {
          // A reason such as rate_limited:folded_into:<id> is counted without its id.
          const key = `${status}: ${String(item.reason ?? "none").replace(/:(sum|ntf)_[0-9a-f]+$/, "")}`;
          out.notificationReasons[key] = (out.notificationReasons[key] ?? 0) + 1;
        }
      } else if (sk(item).startsWith(SK_PREFIX.connection)) {
        if (item.lastSyncAt) out.connectionsSynced++;
      }
    }
  }
  const report = await checkInvariants({
    table: db,
    users: users.map((u) => ({ userId: u.userId, secrets: u.tokens.filter((t) => t.length > 0) })),
    announced: { ...announced, correlationIds: new Set() },
  });
  out.outboxAwaitingDelete = report.totals.outboxAwaitingDelete;
  out.violations = report.violations.map((v) => `${v.userId ?? "all"}: [${v.invariant}] ${v.message}`);
  return out;
}

/** Messages waiting plus in flight, per queue URL. */
export async function queueDepth(sqs: SQSClient, url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Depth of every work queue and every DLQ, by queue id. */
export async function allDepths(sqs: SQSClient, handles: StackHandles): Promise<{ work: Record<string, number>; dlq: Record<string, number> }> {
  const work: Record<string, number> = {};
  const dlq: Record<string, number> = {};
  await Promise.all(
    Object.entries(handles.queues).map(async ([id, q]) => {
      work[id] = await queueDepth(sqs, q.url);
      dlq[id] = await queueDepth(sqs, q.dlqUrl);
    }),
  );
  return { work, dlq };
}
