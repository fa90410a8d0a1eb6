import { ChangeMessageVisibilityCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createLogger, type Logger } from "@expenzez/logger";
import { sendToDeadLetter } from "./dead-letter";
import { sendDeferred } from "./defer";
import type { MessageHandler, QueueMessage } from "./message";
import { processMessage } from "./process-message";

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

export interface LambdaAdapterOptions {
  sqs: SQSClient;
  /** Queue URL of the event source (for delaying retries) and its DLQ. */
  queueUrl: string;
  dlqUrl: string;
  /** The queue's redrive `maxReceiveCount`: the last receive dead-letters with `retries_exhausted` (see `startWorker`). */
  maxReceiveCount?: number;
  log?: Logger;
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
 * dead-lettered messages are reported as processed (Lambda deletes them); retries are reported as failures after their visibility is set to
 * the backoff, so only they come back, and only after the delay.
 */
export function toSqsLambdaHandler(handler: MessageHandler, options: LambdaAdapterOptions) {
  const log = options.log ?? createLogger("lambda");
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    const signal = new AbortController().signal;
    const batchItemFailures: { itemIdentifier: string }[] = [];
    // Records of one batch run one after another: Lambda scales by batches, not within one.
    for (const record of event.Records) {
      const message = toQueueMessage(record);
      const disposition = await processMessage(handler, message, {
        log,
        signal,
        ...(options.maxReceiveCount !== undefined ? { maxReceiveCount: options.maxReceiveCount } : {}),
      });
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
          batchItemFailures.push({ itemIdentifier: message.messageId });
        }
      } catch (err) {
        log.error({ err, messageId: message.messageId }, "settling the message failed: leaving it to be redelivered");
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}
