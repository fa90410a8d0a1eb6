import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { createLogger, type Logger } from "@expenzez/logger";
import { sendToDeadLetter } from "./dead-letter";
import { sendDeferred } from "./defer";
import { StopRequestedError, WorkerOptionsError } from "./errors";
import type { MessageHandler, QueueMessage } from "./message";
import { processMessage } from "./process-message";

export interface WorkerOptions {
  sqs: SQSClient;
  queueUrl: string;
  dlqUrl: string;
  handler: MessageHandler;
  /** Must match the queue's visibility timeout: the heartbeat extends it to this again. */
  visibilityTimeoutSeconds: number;
  /** How often a running handler's message is kept invisible; shorter than the visibility timeout. */
  heartbeatSeconds?: number;
  /** Messages handled at once. */
  concurrency?: number;
  /**
   * The queue's redrive `maxReceiveCount`: a message still failing on that receive is
   * dead-lettered by the worker with `retries_exhausted` and its last error, not left for SQS to
   * move without a reason. Omit it for a queue without a redrive policy.
   */
  maxReceiveCount?: number;
  /** Long-poll wait, 0..20. */
  waitTimeSeconds?: number;
  /**
   * A handler still running after this long is given up: its signal is aborted and its message
   * is retried, so a hung handler cannot keep a message invisible for ever. Default: the
   * visibility timeout times 4 (the heartbeat keeps longer runs alive until then).
   */
  handlerTimeoutSeconds?: number;
  log?: Logger;
  random?: () => number;
}

export interface Worker {
  /** Resolves when the loop has stopped and in-flight messages are settled. */
  readonly done: Promise<void>;
  /**
   * Stops receiving (after the current long poll) and asks in-flight handlers to stop (their
   * signal aborted with a `StopRequestedError`): one that honours it has its message handed back
   * at once; one that does not is let finish.
   */
  stop(): Promise<void>;
  /** Messages settled so far, by outcome: for progress output and tests. */
  readonly stats: { done: number; retried: number; deadLettered: number; deferred: number };
}

function validate(options: WorkerOptions): Required<Pick<WorkerOptions, "heartbeatSeconds" | "concurrency" | "waitTimeSeconds" | "handlerTimeoutSeconds">> {
  const heartbeatSeconds = options.heartbeatSeconds ?? Math.max(1, Math.floor(options.visibilityTimeoutSeconds / 3));
  const concurrency = options.concurrency ?? 10;
  const waitTimeSeconds = options.waitTimeSeconds ?? 20;
  // A heartbeat at or past the timeout would let a second worker take the message meanwhile.
  if (heartbeatSeconds >= options.visibilityTimeoutSeconds) {
    throw new WorkerOptionsError(`heartbeatSeconds (${heartbeatSeconds}) must be shorter than visibilityTimeoutSeconds (${options.visibilityTimeoutSeconds})`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new WorkerOptionsError(`concurrency must be a positive integer, got ${concurrency}`);
  if (waitTimeSeconds < 0 || waitTimeSeconds > 20) throw new WorkerOptionsError(`waitTimeSeconds must be 0..20, got ${waitTimeSeconds}`);
  const handlerTimeoutSeconds = options.handlerTimeoutSeconds ?? options.visibilityTimeoutSeconds * 4;
  if (!(handlerTimeoutSeconds > 0)) throw new WorkerOptionsError(`handlerTimeoutSeconds must be positive, got ${handlerTimeoutSeconds}`);
  return { heartbeatSeconds, concurrency, waitTimeSeconds, handlerTimeoutSeconds };
}

export function toQueueMessage(m: Message): QueueMessage {
  const attributes: Record<string, string> = {};
  // A value can come back undefined for a hostile sender's attribute (seen: the worker process
  // died on it, found by the hostile suite); only string values are ours to read.
  for (const [k, v] of Object.entries(m.MessageAttributes ?? {})) if (typeof v?.StringValue === "string") attributes[k] = v.StringValue;
  const sentAt = Number(m.Attributes?.SentTimestamp);
  return {
    messageId: m.MessageId!,
    body: m.Body ?? "",
    receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    receiptHandle: m.ReceiptHandle!,
    attributes,
    ...(Number.isFinite(sentAt) && sentAt > 0 ? { sentAt } : {}),
  };
}

/**
 * The long-polling runtime for local and ECS use: receives up to 10 messages, runs the handler
 * with bounded concurrency, keeps each message invisible while its handler runs (heartbeat),
 * deletes successes in batches, delays retries with ChangeMessageVisibility, sends deferred
 * messages back delayed (deleting the copy it holds), and dead-letters permanent failures with
 * their reason.
 *
 * @example
 * const worker = startWorker({ sqs, queueUrl, dlqUrl, handler, visibilityTimeoutSeconds: 60 });
 * process.once("SIGTERM", () => worker.stop());
 */
export function startWorker(options: WorkerOptions): Worker {
  const { heartbeatSeconds, concurrency, waitTimeSeconds, handlerTimeoutSeconds } = validate(options);
  const log = options.log ?? createLogger("sqs-worker");
  const { sqs, queueUrl, dlqUrl } = options;
  const stop = new AbortController();
  const stats = { done: 0, retried: 0, deadLettered: 0, deferred: 0 };

  /** Keeps a message invisible until `stop()`, which also waits for a beat still in flight. */
  function startHeartbeat(message: QueueMessage): { stop(): Promise<void> } {
    let inFlight: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      inFlight = sqs
        .send(
          new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle, VisibilityTimeout: options.visibilityTimeoutSeconds }),
        )
        .catch((err) => log.warn({ err, messageId: message.messageId }, "heartbeat failed"));
    }, heartbeatSeconds * 1000);
    return {
      async stop() {
        clearInterval(timer);
        await inFlight;
      },
    };
  }

  /**
   * A settled message to delete, still kept invisible by its heartbeat until the batch delete:
   * it must not reappear to another worker meanwhile.
   */
  type ToDelete = { receiptHandle: string; heartbeat: { stop(): Promise<void> } };

  async function handleOne(message: QueueMessage): Promise<ToDelete | undefined> {
    const heartbeat = startHeartbeat(message);
    try {
      const disposition = await processMessage(options.handler, message, {
        log,
        signal: stop.signal,
        timeoutMs: handlerTimeoutSeconds * 1000,
        ...(options.maxReceiveCount !== undefined ? { maxReceiveCount: options.maxReceiveCount } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
      if (disposition.kind === "done") {
        stats.done++;
        return { receiptHandle: message.receiptHandle, heartbeat };
      }
      if (disposition.kind === "defer") {
        await sendDeferred(sqs, { queueUrl, message, delaySeconds: disposition.delaySeconds });
        stats.deferred++;
        return { receiptHandle: message.receiptHandle, heartbeat };
      }
      if (disposition.kind === "dead") {
        await sendToDeadLetter(sqs, { dlqUrl, sourceQueueUrl: queueUrl, message, code: disposition.code, reason: disposition.reason });
        stats.deadLettered++;
        return { receiptHandle: message.receiptHandle, heartbeat };
      }
      // A beat landing after this would undo the backoff: wait for it first.
      await heartbeat.stop();
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.receiptHandle, VisibilityTimeout: disposition.delaySeconds }),
      );
      stats.retried++;
      return undefined;
    } catch (err) {
      await heartbeat.stop();
      throw err;
    }
  }

  async function deleteBatch(settled: ToDelete[]): Promise<void> {
    await Promise.all(settled.map((s) => s.heartbeat.stop()));
    if (settled.length === 0) return;
    const result = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: settled.map(({ receiptHandle: ReceiptHandle }, i) => ({ Id: String(i), ReceiptHandle })) }),
    );
    // A failed delete means a redelivery; handlers are idempotent, so log and move on.
    for (const failed of result.Failed ?? []) log.warn({ code: failed.Code, reason: failed.Message }, "delete failed: message will be redelivered");
  }

  async function release(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 })),
        }),
      )
      .catch((err) => log.warn({ err }, "could not release messages on stop: they return after their visibility timeout"));
  }

  // Settled messages wait here for one batch delete; a short flush delay gathers a few.
  let toDelete: ToDelete[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    const batch = toDelete;
    toDelete = [];
    flushing = flushing.then(() => deleteBatch(batch).catch((err) => log.error({ err }, "batch delete failed")));
    return flushing;
  }
  function settle(item: ToDelete | undefined): void {
    if (!item) return;
    toDelete.push(item);
    if (toDelete.length >= 10) void flush();
    else flushTimer ??= setTimeout(() => void flush(), 50);
  }

  // Each message runs on its own; a free slot polls again at once, so one slow message never
  // holds the other slots idle until its whole poll has finished.
  const inFlight = new Set<Promise<void>>();
  let slotFreed: () => void = () => {};
  function start(m: Message): void {
    const run = handleOne(toQueueMessage(m))
      .catch((err) => {
        // The message stays on the queue and comes back after its visibility timeout.
        log.error({ err }, "settling a message failed");
        return undefined;
      })
      .then(settle)
      .finally(() => {
        inFlight.delete(run);
        slotFreed();
      });
    inFlight.add(run);
  }

  async function loop(): Promise<void> {
    while (!stop.signal.aborted) {
      if (inFlight.size >= concurrency) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        continue;
      }
      let received: Message[];
      try {
        const result = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, concurrency - inFlight.size),
            // While messages are running, poll briefly: a long wait here would delay their settling.
            WaitTimeSeconds: inFlight.size > 0 ? Math.min(1, waitTimeSeconds) : waitTimeSeconds,
            VisibilityTimeout: options.visibilityTimeoutSeconds,
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
            MessageAttributeNames: ["All"],
          }),
          // Not aborted on stop: a long poll cut short client-side can still take messages
          // server-side, hiding them for a whole visibility timeout. We finish the poll instead.
        );
        received = result.Messages ?? [];
      } catch (err) {
        if (stop.signal.aborted) break;
        log.error({ err }, "receive failed; backing off");
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (stop.signal.aborted) {
        // Taken by the poll that stop() let finish: handing them to handlers whose signal is
        // already aborted would waste a delivery (or drop the work, if one returns early). Give
        // them back to other workers at once.
        await release(received);
        break;
      }
      for (const m of received) start(m);
    }
    await Promise.all(inFlight);
    await flush();
  }

  const done = loop();
  return {
    done,
    stats,
    async stop() {
      stop.abort(new StopRequestedError("shutdown"));
      slotFreed();
      await done;
    },
  };
}
