/** Base of every error this package throws; `code` is stable across releases. */
export class EventsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An event (outgoing or incoming) that does not match its schema. Never retryable. */
export class EventValidationError extends EventsError {
  /** Queue runtimes dead-letter such a message at once instead of retrying it. */
  readonly permanent = true;
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super("events.invalid_event", message);
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
