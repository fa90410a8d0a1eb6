import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { RetryLater } from "./errors";
import type { QueueMessage } from "./message";

/**
 * The message attribute that counts a message's deferrals: carried by each copy the runtime
 * sends back, so the bound holds across copies (each copy is a new SQS message, receive 1).
 */
export const DEFERRALS_ATTRIBUTE = "deferrals";

/**
 * Deferrals one message may take before a `DeferMessage` is treated as an ordinary retry, which
 * spends receives and ends in the DLQ with `retries_exhausted`: a wait that never ends is a
 * fault a person should see, not a message that circulates for the queue's whole retention.
 */
export const MAX_DEFERRALS = 8;

/** SQS's longest `DelaySeconds`. */
const MAX_DELAY_SECONDS = 900;

/**
 * The message cannot be handled *yet* for a reason that is not a failure of it (another
 * delivery holds the resource it needs): the runtime sends it back to its queue with
 * `DelaySeconds` and deletes this copy, so the wait spends none of the queue's receives. Past
 * `MAX_DEFERRALS` it is a `RetryLater` like any other (a subclass, so `classifyFailure` sees the
 * delay it asked for).
 */
export class DeferMessage extends RetryLater {
  /**
   * With `firstWaitSeconds`, `delaySeconds` is the longest useful wait (the holder's remaining
   * term) and the runtime waits `firstWaitSeconds × 2^deferrals` when that is shorter: a holder
   * usually finishes in a second, and one that died is still outwaited within the bound.
   */
  readonly firstWaitSeconds: number | undefined;

  constructor(code: string, message: string, delaySeconds: number, options?: { cause?: unknown; firstWaitSeconds?: number }) {
    super(code, message, delaySeconds, options?.cause === undefined ? undefined : { cause: options.cause });
    this.firstWaitSeconds = options?.firstWaitSeconds;
  }
}

/** How many times this message was deferred already (0 for one a producer sent). */
export function deferralsOf(message: Pick<QueueMessage, "attributes">): number {
  const n = Number(message.attributes[DEFERRALS_ATTRIBUTE]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The delay a deferral asks SQS for: whole seconds, 1..900. */
export function deferralDelaySeconds(asked: number): number {
  return Number.isFinite(asked) ? Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil(asked))) : MAX_DELAY_SECONDS;
}

/**
 * Sends the message back to its queue, delayed, with its attributes and the deferral count one
 * higher. The caller then deletes the original: a crash in between leaves two copies, never
 * none (consumers are idempotent).
 */
export async function sendDeferred(sqs: SQSClient, input: { queueUrl: string; message: QueueMessage; delaySeconds: number }): Promise<void> {
  const carried: Record<string, MessageAttributeValue> = {};
  // SQS allows 10 attributes: ours is one of them.
  for (const [k, v] of Object.entries(input.message.attributes)) {
    if (k === DEFERRALS_ATTRIBUTE || Object.keys(carried).length >= 9) continue;
    carried[k] = { DataType: "String", StringValue: v };
  }
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: input.queueUrl,
      MessageBody: input.message.body,
      DelaySeconds: deferralDelaySeconds(input.delaySeconds),
      MessageAttributes: { ...carried, [DEFERRALS_ATTRIBUTE]: { DataType: "Number", StringValue: String(deferralsOf(input.message) + 1) } },
    }),
  );
}
