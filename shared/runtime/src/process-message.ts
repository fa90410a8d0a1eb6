import type { Logger } from "@expenzez/logger";
import { classifyFailure, type Disposition } from "./disposition";
import { HandlerTimeoutError } from "./errors";
import type { MessageHandler, QueueMessage } from "./message";

/**
 * Runs the handler for one message and turns the outcome into a disposition. Shared by the
 * long-polling worker and the Lambda adapter so both treat failures identically. With
 * `timeoutMs`, a handler that has not settled by then is abandoned (its signal aborted) and the
 * message retried: the handler is idempotent, so a late finish of the abandoned run is harmless.
 */
export async function processMessage(
  handler: MessageHandler,
  message: QueueMessage,
  context: { log: Logger; signal: AbortSignal; random?: () => number; timeoutMs?: number },
): Promise<Disposition> {
  const log = context.log.child({ messageId: message.messageId, receiveCount: message.receiveCount, ...correlationOf(message) });
  const timeout = new AbortController();
  const signal = context.timeoutMs === undefined ? context.signal : AbortSignal.any([context.signal, timeout.signal]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = handler(message, { log, signal });
    if (context.timeoutMs === undefined) await run;
    else {
      const ms = context.timeoutMs;
      await Promise.race([
        run,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timeout.abort();
            reject(new HandlerTimeoutError(ms));
          }, ms);
        }),
      ]);
    }
    return { kind: "done" };
  } catch (error) {
    const disposition = classifyFailure(error, message.receiveCount, context.random);
    if (disposition.kind === "dead") log.error({ err: error, code: disposition.code }, "message can never succeed: dead-lettering");
    else log.warn({ err: error, code: disposition.code, delaySeconds: disposition.delaySeconds }, "message failed: will retry");
    return disposition;
  } finally {
    clearTimeout(timer);
  }
}

/** The correlation id a producer put on the message, so every log line of its handling carries it. */
function correlationOf(message: QueueMessage): { correlationId?: string } {
  const id = message.attributes.correlationId;
  return id ? { correlationId: id } : {};
}
