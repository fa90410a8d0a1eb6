import { ExpenzezError } from "@expenzez/common";

/** Base of every error this package throws; `code` is stable across releases. */
export class EventsError extends ExpenzezError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, message, options);
  }
}

/** An event (outgoing or incoming) that does not match its schema. Never retryable. */
export class EventValidationError extends EventsError {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    // Queue runtimes dead-letter such a message at once instead of retrying it.
    super("events.invalid_event", message, { retryable: false });
  }
}

/** Entries that still failed after every retry of PutEvents. */
export class PublishError extends EventsError {
  constructor(
    message: string,
    readonly failed: { eventId: string; errorCode: string | undefined; errorMessage: string | undefined }[],
  ) {
    super("events.publish_failed", message);
  }
}
