import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { fullJitterDelay } from "@expenzez/common";
import type { DomainEvent } from "./envelope";
import { EventValidationError, PublishError } from "./errors";

/** PutEvents accepts at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;
/** EventBridge rejects an entry over 256 KB (source, detail-type and detail counted together, and the Time). */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** What EventBridge counts for an entry's Time, whatever its value ("Calculating PutEvents event entry size"). */
const TIME_BYTES = 14;

export interface PublishOptions {
  busName: string;
  /** Attempts per entry, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Cap of one wait between attempts. */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function toPutEventsEntry(event: DomainEvent, busName: string): PutEventsRequestEntry {
  const Detail = JSON.stringify(event.detail);
  const bytes = TIME_BYTES + Buffer.byteLength(Detail) + Buffer.byteLength(event.source) + Buffer.byteLength(event.detailType);
  // Retrying cannot shrink it: fail before sending, naming the event, so the producer splits it.
  if (bytes > MAX_ENTRY_BYTES) {
    throw new EventValidationError(`${event.detailType} ${event.detail.eventId} is ${bytes} bytes; EventBridge takes at most ${MAX_ENTRY_BYTES}`, [
      `detail: ${bytes} bytes`,
    ]);
  }
  return { EventBusName: busName, Source: event.source, DetailType: event.detailType, Detail, Time: new Date(event.detail.occurredAt) };
}

/**
 * Publishes events in calls of 10 and retries only the entries EventBridge reports as
 * failed, with exponential backoff and jitter. Throws PublishError naming what still failed.
 * Publishing is at-least-once: consumers deduplicate on `detail.eventId`.
 */
export async function publishEvents(client: EventBridgeClient, events: DomainEvent[], options: PublishOptions): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const sleep = options.sleep ?? defaultSleep;
  // Every entry is built (and size-checked) before the first call, so a bad one sends nothing.
  const all = events.map((event) => ({ event, entry: toPutEventsEntry(event, options.busName) }));
  for (let start = 0; start < all.length; start += PUT_EVENTS_BATCH) {
    let pending = all.slice(start, start + PUT_EVENTS_BATCH);
    for (let attempt = 1; ; attempt++) {
      const result = await client.send(new PutEventsCommand({ Entries: pending.map((p) => p.entry) }));
      if (!result.FailedEntryCount) break;
      // Entries come back in request order; an entry with an ErrorCode failed, and so did one
      // without the EventId of an accepted entry: a count the list does not explain is resent,
      // never taken as delivered (its outbox record would be deleted with the event lost).
      const results = result.Entries ?? [];
      const failed = pending.filter((_, i) => results[i]?.ErrorCode || !results[i]?.EventId);
      if (failed.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new PublishError(
          `${failed.length} event(s) failed after ${attempt} attempts`,
          failed.map((p) => {
            const r = results[pending.indexOf(p)];
            return { eventId: p.event.detail.eventId, errorCode: r?.ErrorCode, errorMessage: r?.ErrorMessage };
          }),
        );
      }
      pending = failed;
      await sleep(fullJitterDelay(attempt, { base: baseDelayMs, cap: options.maxDelayMs ?? 5_000 }));
    }
  }
}
