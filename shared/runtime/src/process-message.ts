import type { Logger } from "@expenzez/logger";
import { classifyFailure, type Disposition } from "./disposition";
import type { MessageHandler, QueueMessage } from "./message";

/**
 * Runs the handler for one message and turns the outcome into a disposition. Shared by the
 * long-polling worker and the Lambda adapter so both treat failures identically.
 */
export async function processMessage(
  handler: MessageHandler,
  message: QueueMessage,
  context: { log: Logger; signal: AbortSignal; random?: () => number },
): Promise<Disposition> {
  const log = context.log.child({ messageId: message.messageId, receiveCount: message.receiveCount });
  try {
    await handler(message, { log, signal: context.signal });
    return { kind: "done" };
  } catch (error) {
    const disposition = classifyFailure(error, message.receiveCount, context.random);
    if (disposition.kind === "dead") log.error({ err: error, code: disposition.code }, "message can never succeed: dead-lettering");
    else log.warn({ err: error, code: disposition.code, delaySeconds: disposition.delaySeconds }, "message failed: will retry");
    return disposition;
  }
}
