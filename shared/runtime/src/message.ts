import type { Logger } from "@expenzez/logger";

/** A queue message as both runtimes (long-polling worker, Lambda) hand it to a handler. */
export interface QueueMessage {
  messageId: string;
  body: string;
  /** 1 on the first delivery. */
  receiveCount: number;
  receiptHandle: string;
  /** String message attributes (e.g. a correlation id). */
  attributes: Record<string, string>;
  /** When SQS accepted the message (its `SentTimestamp`, epoch ms), for the queue-lag metric. */
  sentAt?: number;
}

export interface HandlerContext {
  log: Logger;
  /**
   * Aborted when the runtime asks the handler to stop (its reason a `StopRequestedError`): the
   * worker is shutting down, or the Lambda invocation is nearing its timeout. Long work stops at a
   * safe point, lets go of what it holds (a lease) and throws; the message comes back at once.
   */
  signal: AbortSignal;
}

/**
 * A pure service handler: succeeds (message deleted), throws PermanentFailure (or an error with
 * `retryable: false`, see `classifyFailure`) to dead-letter with a reason, or throws anything else to be retried.
 */
export type MessageHandler = (message: QueueMessage, context: HandlerContext) => Promise<void>;
