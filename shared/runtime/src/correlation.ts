import type { QueueMessage } from "./message";

/** The message attribute a producer sets (the scheduler and the webhook do). */
export const CORRELATION_ATTRIBUTE = "correlationId";
/** As long as the events' `correlationId` field allows. */
const MAX_LENGTH = 128;

/**
 * The correlation id of a queue message, so every log line of its handling can carry it:
 * the `correlationId` message attribute when a producer set one; else the body's own field
 * (a SyncJob's `correlationId`, or the `detail.correlationId` of an EventBridge delivery, which
 * carries no message attributes). Best effort and never throws: a body that is not JSON is the
 * handler's to refuse, not this lookup's. Values longer than the events allow are ignored.
 */
export function correlationIdOf(message: Pick<QueueMessage, "attributes" | "body">): string | undefined {
  const attribute = message.attributes[CORRELATION_ATTRIBUTE];
  if (usable(attribute)) return attribute;
  // Cheap test before parsing: most bodies without the field are skipped unparsed.
  if (!message.body.includes('"correlationId"')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object") return undefined;
  const own = (body as { correlationId?: unknown }).correlationId;
  if (usable(own)) return own;
  const detail = (body as { detail?: unknown }).detail;
  const fromDetail = detail && typeof detail === "object" ? (detail as { correlationId?: unknown }).correlationId : undefined;
  return usable(fromDetail) ? fromDetail : undefined;
}

function usable(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_LENGTH;
}
