import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import type { QueueId } from "@expenzez/resources";
import { DEFERRALS_ATTRIBUTE, DLQ_ATTRIBUTES } from "@expenzez/runtime";
import type { OpsContext } from "./context";
import { OpsError } from "./errors";

/** One dead-lettered message as an operator sees it. */
export interface DeadLetter {
  messageId: string;
  /** `failure_code` written by the runtime; absent when SQS moved it after maxReceiveCount. */
  failureCode: string | null;
  failureReason: string | null;
  originalMessageId: string | null;
  receiveCount: number | null;
  sentAt: string | null;
  body: string;
  attributes: Record<string, string>;
}

export interface DlqSummary {
  queue: QueueId;
  dlqName: string;
  depth: number;
  messages: DeadLetter[];
}

/** Messages left in a DLQ by SQS's own redrive carry no reason: say so rather than print blanks. */
export const MOVED_BY_SQS = "moved by SQS after maxReceiveCount deliveries";

/**
 * The attributes EventBridge puts on an event it could not deliver to its target queue and sent
 * to the target's DLQ instead (the rule's dead-letter config), after its retries.
 */
export const EVENTBRIDGE_DLQ_ATTRIBUTES = ["ERROR_CODE", "ERROR_MESSAGE", "RULE_ARN", "TARGET_ARN", "EXHAUSTED_RETRY_CONDITION", "RETRY_ATTEMPTS"];

export function toDeadLetter(m: Message): DeadLetter {
  const attributes = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? ""]));
  const sent = m.Attributes?.SentTimestamp;
  const count = attributes[DLQ_ATTRIBUTES.receiveCount];
  return {
    messageId: m.MessageId ?? "",
    failureCode: attributes[DLQ_ATTRIBUTES.code] ?? (attributes.ERROR_CODE ? `eventbridge.${attributes.ERROR_CODE}` : null),
    failureReason: attributes[DLQ_ATTRIBUTES.reason] ?? attributes.ERROR_MESSAGE ?? null,
    originalMessageId: attributes[DLQ_ATTRIBUTES.originalMessageId] ?? null,
    receiveCount: count === undefined ? null : Number(count),
    sentAt: sent ? new Date(Number(sent)).toISOString() : null,
    body: m.Body ?? "",
    attributes,
  };
}

export async function queueDepth(ctx: OpsContext, url: string): Promise<{ visible: number; inFlight: number; delayed: number }> {
  const out = await ctx.aws.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  const n = (k: keyof NonNullable<typeof out.Attributes>) => Number(out.Attributes?.[k] ?? 0);
  return { visible: n("ApproximateNumberOfMessages"), inFlight: n("ApproximateNumberOfMessagesNotVisible"), delayed: n("ApproximateNumberOfMessagesDelayed") };
}

/**
 * Reads up to `limit` messages without consuming them: VisibilityTimeout 0 leaves each visible
 * to the workers at once. Only for DLQs: on a source queue every peek would count as a delivery
 * towards maxReceiveCount. Stops when a round brings nothing new (SQS returns a sample).
 */
export async function peekMessages(ctx: OpsContext, url: string, limit: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  // SQS returns a sample per receive: allow about two rounds per ten wanted before giving up.
  const rounds = Math.max(10, Math.ceil(limit / 5));
  for (let round = 0; round < rounds && seen.size < limit; round++) {
    const out = await ctx.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: Math.min(10, limit),
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    let fresh = 0;
    for (const m of out.Messages ?? []) {
      if (m.MessageId && !seen.has(m.MessageId)) {
        seen.set(m.MessageId, m);
        fresh++;
      }
    }
    if (fresh === 0) break;
  }
  return [...seen.values()].slice(0, limit);
}

/** Depth and a peek of each DLQ (or one). */
export async function listDeadLetters(ctx: OpsContext, options: { queue?: QueueId; limit?: number } = {}): Promise<DlqSummary[]> {
  const ids = options.queue ? [options.queue] : (Object.keys(ctx.def.queues) as QueueId[]);
  const result: DlqSummary[] = [];
  for (const id of ids) {
    const { dlqUrl } = await ctx.queueUrls(id);
    const depth = await queueDepth(ctx, dlqUrl);
    const messages = depth.visible > 0 ? (await peekMessages(ctx, dlqUrl, options.limit ?? 10)).map(toDeadLetter) : [];
    result.push({ queue: id, dlqName: ctx.def.queues[id].dlqName, depth: depth.visible + depth.inFlight, messages });
  }
  return result;
}

/** One dead letter by its DLQ message id or the id it had on the source queue. */
export async function inspectDeadLetter(ctx: OpsContext, queue: QueueId, messageId: string): Promise<DeadLetter> {
  const { dlqUrl } = await ctx.queueUrls(queue);
  const found = (await peekMessages(ctx, dlqUrl, 1000)).map(toDeadLetter).find((m) => m.messageId === messageId || m.originalMessageId === messageId);
  if (!found) throw new OpsError("ops.dlq.not_found", `no message ${messageId} in ${ctx.def.queues[queue].dlqName}`);
  return found;
}

export interface RedriveResult {
  queue: QueueId;
  dryRun: boolean;
  moved: number;
  /**
   * Messages dead-lettered after the run started (a redriven one that failed again at once, a new
   * failure): left in the DLQ for the next run, so a cause that is not fixed yet cannot make one run
   * move the same messages round and round.
   */
  leftNewer: number;
  failed: { messageId: string; error: string }[];
  messages: { messageId: string; failureCode: string | null; newMessageId: string | null }[];
}

/**
 * The runtime's attributes, dropped on the way back: the failure ones (EventBridge's too), and the deferral count
 * (carried into the DLQ with the sender's), so a redriven message has its deferrals again instead
 * of retrying, and spending receives, at its first wait.
 */
const OURS = new Set<string>([...Object.values(DLQ_ATTRIBUTES), DEFERRALS_ATTRIBUTE, ...EVENTBRIDGE_DLQ_ATTRIBUTES]);

/**
 * Moves a DLQ's messages back to its source queue. Each is sent first and deleted from the DLQ
 * only after the send succeeded: a crash in between duplicates a message (consumers are
 * idempotent), never loses one. The runtime's failure attributes are dropped; the sender's kept.
 * Messages are held invisible while this runs, so one run never moves a message twice, and only
 * what was in the DLQ when it started moves: a message sent to the DLQ since (SentTimestamp, which
 * SQS keeps when its redrive policy moves one) is left there.
 */
export async function redriveDeadLetters(ctx: OpsContext, queue: QueueId, options: { dryRun?: boolean; max?: number } = {}): Promise<RedriveResult> {
  const { queueUrl, dlqUrl } = await ctx.queueUrls(queue);
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { queue, dryRun: options.dryRun === true, moved: 0, leftNewer: 0, failed: [], messages: [] };
  if (options.dryRun) {
    for (const m of (await peekMessages(ctx, dlqUrl, Math.min(max, 1000))).map(toDeadLetter)) {
      result.messages.push({ messageId: m.messageId, failureCode: m.failureCode, newMessageId: null });
    }
    return result;
  }
  const startedAt = Date.now();
  while (result.moved + result.failed.length < max) {
    const out = await ctx.aws.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: Math.min(10, max - result.moved - result.failed.length),
        VisibilityTimeout: 120,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
      }),
    );
    const batch = out.Messages ?? [];
    if (batch.length === 0) break;
    for (const m of batch) {
      const letter = toDeadLetter(m);
      if (Number(m.Attributes?.SentTimestamp) >= startedAt) {
        // Still held for this run, visible again after it.
        result.leftNewer++;
        continue;
      }
      try {
        const attributes: Record<string, MessageAttributeValue> = Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).filter(([k]) => !OURS.has(k)));
        const sent = await ctx.aws.sqs.send(
          new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: m.Body ?? "",
            ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
          }),
        );
        await ctx.aws.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
        result.moved++;
        result.messages.push({ messageId: letter.messageId, failureCode: letter.failureCode, newMessageId: sent.MessageId ?? null });
      } catch (err) {
        // Left in the DLQ (visible again after the hold) for the next run.
        result.failed.push({ messageId: letter.messageId, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return result;
}
