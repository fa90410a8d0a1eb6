import { ExpenzezError } from "@expenzez/common";

/** Errors of the webhook service; each maps to one HTTP status and a stable `code`. */
export class WebhookError extends ExpenzezError {
  constructor(
    code: string,
    readonly status: 400 | 401 | 404 | 409 | 413 | 429 | 503,
    message: string,
    options?: ErrorOptions & { retryAfterSeconds?: number },
  ) {
    // A 4xx is the caller's to fix; a 429 or 503 may pass later.
    super(code, message, { ...options, retryable: status === 429 || status === 503 });
  }
}

/** A body or parameter that fails its schema: 400 with the reason. */
export class InvalidRequestError extends WebhookError {
  constructor(reason: string) {
    super("webhook.invalid_request", 400, reason);
  }
}

/** A missing, malformed, expired or foreign bearer token: 401. */
export class UnauthenticatedError extends WebhookError {
  constructor(reason: string, options?: ErrorOptions) {
    super("webhook.unauthenticated", 401, reason, options);
  }
}

/** A TrueLayer signature that does not verify (or a jku off the allow list, a stale timestamp): 401. */
export class BadSignatureError extends WebhookError {
  constructor(reason: string, options?: ErrorOptions) {
    super("webhook.bad_signature", 401, reason, options);
  }
}

/** The caller's connection does not exist, or belongs to someone else (never told apart): 404. */
export class ConnectionNotFoundError extends WebhookError {
  constructor(connectionId: string) {
    super("webhook.connection_not_found", 404, `no connection ${connectionId}`);
  }
}

/** A sync completed moments ago: 429 with Retry-After. */
export class TooSoonError extends WebhookError {
  constructor(retryAfterSeconds: number) {
    super("webhook.too_soon", 429, `the connection synced less than a minute ago; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
}

/**
 * The connection is parked because its stored tokens cannot be opened (ADR 0073): a job could
 * only be dead-lettered, so none is queued until support clears the fault: 409, not retryable.
 */
export class SyncSuspendedError extends WebhookError {
  constructor(connectionId: string) {
    super("webhook.sync_suspended", 409, `syncing connection ${connectionId} is suspended until support has looked at it; nothing was queued`);
  }
}

/** The body is larger than the configured bound: 413. */
export class BodyTooLargeError extends WebhookError {
  constructor(maxBytes: number) {
    super("webhook.body_too_large", 413, `body larger than ${maxBytes} bytes`);
  }
}

/** The job could not be put on the queue: 503, the caller may retry. */
export class QueueUnavailableError extends WebhookError {
  constructor(options?: ErrorOptions) {
    super("webhook.queue_unavailable", 503, "the sync-jobs queue did not take the job; try again", { ...options, retryAfterSeconds: 5 });
  }
}

/**
 * The same delivery (event or task id) is being handled by a concurrent request right now:
 * 503 with a short Retry-After; the retry finds it done and answers `duplicate`.
 */
export class DeliveryInProgressError extends WebhookError {
  constructor(options?: ErrorOptions) {
    super("webhook.delivery_in_progress", 503, "this delivery is being handled by a concurrent request; try again", { ...options, retryAfterSeconds: 5 });
  }
}

/** TrueLayer did not confirm a revocation (nothing changed here): 503, the app may retry. */
export class RevocationUnavailableError extends WebhookError {
  constructor(options?: ErrorOptions) {
    super("webhook.revocation_unavailable", 503, "TrueLayer did not confirm the disconnection; nothing changed; try again", {
      ...options,
      retryAfterSeconds: 30,
    });
  }
}

/** This deployment has no TrueLayer client configured, so it cannot revoke a consent: 503. */
export class DisconnectUnavailableError extends WebhookError {
  constructor() {
    super("webhook.disconnect_unavailable", 503, "disconnecting is not configured on this service");
  }
}
