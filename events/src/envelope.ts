import { randomUUID } from "node:crypto";
import { z } from "zod";
import { CATALOGUE, type Detail, type DetailInput, type DetailType } from "./catalogue";
import { EventValidationError } from "./errors";
import { versionOf } from "./versions";

/** An event ready to publish: what EventBridge calls Source, DetailType and Detail. */
export interface DomainEvent<T extends DetailType = DetailType> {
  source: string;
  detailType: T;
  detail: Detail<T>;
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
}

/**
 * Builds and validates an event. `eventId` and `occurredAt` are generated unless given
 * (the outbox passes them so a re-publish carries the same id).
 *
 * @example buildEvent("ConnectionSyncFailed", { userId, connectionId, errorCode: "truelayer.provider_error", retryable: true, attempts: 3 })
 */
export function buildEvent<T extends DetailType>(detailType: T, input: DetailInput<T>): DomainEvent<T> {
  const entry = CATALOGUE[detailType];
  const candidate = { version: versionOf(entry.schema), eventId: randomUUID(), occurredAt: new Date().toISOString(), ...input };
  const parsed = entry.schema.safeParse(candidate);
  if (!parsed.success) {
    throw new EventValidationError(`invalid ${detailType} event`, issuesOf(parsed.error));
  }
  return { source: entry.source, detailType, detail: parsed.data as Detail<T> };
}

/** What EventBridge delivers to an SQS target (moto omits `account`; we do not need it). */
const envelopeSchema = z.object({
  id: z.string(),
  source: z.string(),
  "detail-type": z.string(),
  time: z.string().optional(),
  detail: z.unknown(),
});

export type ReceivedEvent = { [T in DetailType]: DomainEvent<T> & { eventBridgeId: string } }[DetailType];

/**
 * Parses an SQS message body that EventBridge delivered, checking the envelope and the
 * detail against the catalogue. Throws EventValidationError: such a message can never succeed.
 */
export function parseDeliveredEvent(body: string): ReceivedEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new EventValidationError("message body is not JSON", ["(root): not JSON"]);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw new EventValidationError("not an EventBridge envelope", issuesOf(envelope.error));
  const detailType = envelope.data["detail-type"];
  if (!Object.hasOwn(CATALOGUE, detailType)) {
    throw new EventValidationError(`unknown detail-type ${JSON.stringify(detailType)}`, ["detail-type: unknown"]);
  }
  const entry = CATALOGUE[detailType as DetailType];
  if (entry.source !== envelope.data.source) {
    throw new EventValidationError(`${detailType} from unexpected source ${envelope.data.source}`, ["source: unexpected"]);
  }
  const detail = entry.schema.safeParse(envelope.data.detail);
  if (!detail.success) throw new EventValidationError(`invalid ${detailType} detail`, issuesOf(detail.error));
  return {
    source: entry.source,
    detailType,
    detail: detail.data,
    eventBridgeId: envelope.data.id,
  } as ReceivedEvent;
}

/**
 * The event with `correlationId` set, unless it has one or `correlationId` is absent: for a
 * consumer that builds events in pure planning code and learns the cause's id around it.
 */
export function withCorrelationId<E extends DomainEvent>(event: E, correlationId: string | undefined): E {
  if (!correlationId || event.detail.correlationId) return event;
  return { ...event, detail: { ...event.detail, correlationId } };
}
