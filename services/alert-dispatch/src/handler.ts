import { EventValidationError, parseDeliveredEvent } from "@expenzez/events";
import type { QueueMessage } from "@expenzez/runtime";
import { type AlertEvent, isAlertDetailType } from "./alert";
import type { DispatchDeps } from "./deps";
import { type DispatchResult, handleAlertEvent } from "./dispatch";
import { UnroutableEventError } from "./errors";

/** The event in an alert-dispatch queue message; a body that can never be one is a permanent failure (DLQ with the reason). */
export function parseAlertMessage(body: string): AlertEvent {
  let event: ReturnType<typeof parseDeliveredEvent>;
  try {
    event = parseDeliveredEvent(body);
  } catch (err) {
    if (err instanceof EventValidationError) throw new UnroutableEventError(`${err.message}: ${err.issues.join("; ")}`, { cause: err });
    throw err;
  }
  if (!isAlertDetailType(event.detailType)) throw new UnroutableEventError(`alert-dispatch does not handle ${event.detailType}`);
  return { detailType: event.detailType, detail: event.detail } as AlertEvent;
}

/**
 * One alert-dispatch queue message: parse, decide, record, send what is due now.
 *
 * @example await handleAlertMessage(message, deps)
 */
export async function handleAlertMessage(message: Pick<QueueMessage, "body">, deps: DispatchDeps): Promise<DispatchResult> {
  return handleAlertEvent(parseAlertMessage(message.body), deps);
}
