import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { DomainEvent } from "./envelope";
import { PublishError } from "./errors";

/** PutEvents accepts at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;

export interface PublishOptions {
  busName: string;
  /** Attempts per entry, including the first. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function toPutEventsEntry(event: DomainEvent, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
    Time: new Date(event.detail.occurredAt),
  };
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
  for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
    let pending = events.slice(start, start + PUT_EVENTS_BATCH);
    let failures: PublishError["failed"] = [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await client.send(
        new PutEventsCommand({ Entries: pending.map((e) => toPutEventsEntry(e, options.busName)) }),
      );
      if (!result.FailedEntryCount) break;
      // Entries come back in request order; an entry with an ErrorCode failed.
      const retry: DomainEvent[] = [];
      failures = [];
      (result.Entries ?? []).forEach((entry, i) => {
        const event = pending[i];
        if (entry.ErrorCode && event) {
          retry.push(event);
          failures.push({ eventId: event.detail.eventId, errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage });
        }
      });
      pending = retry;
      if (pending.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new PublishError(`${pending.length} event(s) failed after ${attempt} attempts`, failures);
      }
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  }
}
