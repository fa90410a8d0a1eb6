import { ExpenzezError } from "@expenzez/common";

/** Base of alert-dispatch's errors; `code` is stable, `retryable` says whether trying again can help. */
export class AlertDispatchError extends ExpenzezError {
  constructor(code: string, message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(code, message, { ...options, retryable });
  }
}

/** The message can never become a notification (not an event this service handles, bad detail). */
export class UnroutableEventError extends AlertDispatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("alerts.unroutable_event", message, false, options);
  }
}

/**
 * A provider refused or failed a delivery. `tokenInvalid` means the device token is dead
 * (FCM `UNREGISTERED`, `INVALID_ARGUMENT` about the token); `retryAfterMs` is the provider's
 * Retry-After when it gave one.
 */
export class DeliveryError extends AlertDispatchError {
  constructor(
    code: string,
    message: string,
    retryable: boolean,
    readonly details: { status?: number; providerCode?: string; tokenInvalid?: boolean; retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, retryable, options);
  }
}

/** The service-account key or an OAuth token answer is unusable (a configuration fault, not the device's). */
export class CredentialsError extends AlertDispatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("alerts.fcm_credentials", message, true, options);
  }
}
