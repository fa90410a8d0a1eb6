import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createLogger, emitMetrics, type Logger } from "@expenzez/logger";
import { sendToDeadLetter } from "./dead-letter";
import { sendDeferred } from "./defer";
import type { Disposition } from "./disposition";
import { StopRequestedError } from "./errors";
import type { MessageHandler, QueueMessage } from "./message";
import { handBack, processMessage, RUNTIME_METRICS } from "./process-message";

/** The parts of Lambda's SQS event we use (the full type lives in @types/aws-lambda). */
export interface SqsEventRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount?: string; SentTimestamp?: string };
  messageAttributes?: Record<string, { stringValue?: string; dataType?: string }>;
  eventSourceARN: string;
}
export interface SqsEvent {
  Records: SqsEventRecord[];
}
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** The part of Lambda's context object the adapter reads (the full type lives in @types/aws-lambda). */
export interface LambdaContext {
  getRemainingTimeInMillis(): number;
}

/** Kept at the end of an invocation for settling its records and the service's drain. */
export const LAMBDA_SETTLE_MS = 2_000;

export interface LambdaAdapterOptions {
  sqs: SQSClient;
  /** Queue URL of the event source (for delaying retries) and its DLQ. */
  queueUrl: string;
  dlqUrl: string;
  /** The queue's redrive `maxReceiveCount`: the last receive dead-letters with `retries_exhausted` (see `startWorker`). */
  maxReceiveCount?: number;
  /**
   * How long before the function's timeout the running handler is asked to stop (its signal
   * aborted with a `StopRequestedError`), so it lets go of what it holds; no record is started
   * after that. Default: a sixth of the time the invocation started with, at least 5 s.
   */
  stopBeforeTimeoutMs?: number;
  /**
   * The end of the invocation kept for settling: a handler still running then is abandoned and
   * its record handed back, so the answer (and the service's drain) goes out before Lambda stops
   * the function. Default `LAMBDA_SETTLE_MS`.
   */
  settleMs?: number;
  log?: Logger;
}

/** When, in epoch ms, the handlers of one invocation are asked to stop, and when abandoned. */
function invocationDeadline(context: LambdaContext, options: LambdaAdapterOptions): { stopAt: number; abandonAt: number } {
  const now = Date.now();
  const remaining = context.getRemainingTimeInMillis();
  const settle = options.settleMs ?? LAMBDA_SETTLE_MS;
  const stopBefore = Math.max(settle, options.stopBeforeTimeoutMs ?? Math.max(5_000, remaining / 6));
  return { stopAt: now + remaining - stopBefore, abandonAt: now + remaining - settle };
}

function toQueueMessage(record: SqsEventRecord): QueueMessage {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(record.messageAttributes ?? {})) if (v.stringValue !== undefined) attributes[k] = v.stringValue;
  const sentAt = Number(record.attributes.SentTimestamp);
  return {
    messageId: record.messageId,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1),
    receiptHandle: record.receiptHandle,
    attributes,
    ...(Number.isFinite(sentAt) && sentAt > 0 ? { sentAt } : {}),
  };
}

/**
 * The Lambda runtime: the same handler behind an SQS event source with
 * `ReportBatchItemFailures`. Successes, deferred messages (their delayed copy sent) and
 * dead-lettered messages are reported as processed (Lambda deletes them); retries are reported
 * as failures after their visibility is set to the backoff, so only they come back, and only
 * after the delay.
 *
 * With Lambda's `context`, the invocation watches its timeout: `stopBeforeTimeoutMs` before it,
 * the running handler's signal is aborted (`StopRequestedError`, as the worker's `stop()` does)
 * and no further record is started; at `settleMs` before it, a handler still running is
 * abandoned. Every record not finished is handed back (`handBack`): reported as a failure and
 * visible again at once, rather than cut off by Lambda's kill and hidden for the queue's whole
 * visibility timeout.
 */
export function toSqsLambdaHandler(handler: MessageHandler, options: LambdaAdapterOptions) {
  const log = options.log ?? createLogger("lambda");
  const maxReceiveCount = options.maxReceiveCount;
  return async (event: SqsEvent, context?: LambdaContext): Promise<SqsBatchResponse> => {
    const deadline = context ? invocationDeadline(context, options) : undefined;
    const stop = new AbortController();
    const stopNow = () => stop.abort(new StopRequestedError("deadline"));
    const stopTimer = deadline ? setTimeout(stopNow, Math.max(0, deadline.stopAt - Date.now())) : undefined;
    const batchItemFailures: { itemIdentifier: string }[] = [];
    let handedBack = 0;
    let unstarted = 0;
    try {
      // Records of one batch run one after another: Lambda scales by batches, not within one.
      for (const record of event.Records) {
        const message = toQueueMessage(record);
        // The timer may not have fired yet on a busy event loop: the clock decides.
        if (deadline && Date.now() >= deadline.stopAt) stopNow();
        const started = !stop.signal.aborted;
        if (!started) unstarted++;
        const disposition = !started
          ? handBack(message, stop.signal.reason, maxReceiveCount)
          : await processMessage(handler, message, {
              log,
              signal: stop.signal,
              ...(deadline ? { timeoutMs: Math.max(1, deadline.abandonAt - Date.now()) } : {}),
              ...(maxReceiveCount !== undefined ? { maxReceiveCount } : {}),
            });
        if (stop.signal.aborted && disposition.kind !== "done" && disposition.kind !== "dead") handedBack++;
        if (!(await settle(message, disposition))) batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    } finally {
      clearTimeout(stopTimer);
    }
    // A started record's stop is counted by processMessage; these never reached it.
    if (unstarted > 0) emitMetrics(log, [{ name: RUNTIME_METRICS.stopped, value: unstarted, unit: "Count" }]);
    if (handedBack > 0) log.warn({ handedBack, unstarted, records: event.Records.length }, "invocation nearing its timeout: unfinished records handed back");
    return { batchItemFailures };
  };

  /** Acts on a record's disposition; false when Lambda must not delete it (a retry, or a failed settle). */
  async function settle(message: QueueMessage, disposition: Disposition): Promise<boolean> {
    try {
      if (disposition.kind === "defer") {
        // Reported as processed: Lambda deletes this copy once the delayed one is sent.
        await sendDeferred(options.sqs, { queueUrl: options.queueUrl, message, delaySeconds: disposition.delaySeconds });
      } else if (disposition.kind === "dead") {
        await sendToDeadLetter(options.sqs, {
          dlqUrl: options.dlqUrl,
          sourceQueueUrl: options.queueUrl,
          message,
          code: disposition.code,
          reason: disposition.reason,
        });
      } else if (disposition.kind === "retry") {
        await options.sqs.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: options.queueUrl,
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: disposition.delaySeconds,
          }),
        );
        return false;
      }
      return true;
    } catch (err) {
      log.error({ err, messageId: message.messageId }, "settling the message failed: leaving it to be redelivered");
      return false;
    }
  }
}
