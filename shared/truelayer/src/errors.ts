import { ExpenzezError } from "@expenzez/common";

/**
 * Every failure the TrueLayer client reports. Each class fixes a stable `code` and a `kind`;
 * the retry policy reads only `kind` (see `isRetryable`), so it is decided here, in one place.
 */

/**
 * - `retryable`: try again with backoff (429 rate limits, 5xx, timeouts, network).
 * - `needs_reconnect`: the consent is gone; the user must reconnect.
 * - `permanent`: the same request will fail again; fix or skip it.
 * - `provider_limit`: the bank's PSD2 budget of unattended calls is spent; not again today.
 * - `unauthorized`: the access token was refused; refresh it once, then give up.
 */
export type ErrorKind = "retryable" | "needs_reconnect" | "permanent" | "provider_limit" | "unauthorized";

/** What is known about the failed call. Never holds a token. */
export interface ErrorContext {
  /** HTTP status, when there was a response. */
  status?: number;
  /** TrueLayer's `error` value, e.g. "provider_error". */
  error?: string;
  description?: string;
  /** Our `X-Client-Correlation-Id`. */
  correlationId?: string;
  /** TrueLayer's `X-TL-Correlation-Id`, for their support. */
  tlCorrelationId?: string;
  connectionId?: string;
  method?: string;
  path?: string;
  /** From `Retry-After`, when the response had one. */
  retryAfterMs?: number;
}

export abstract class TrueLayerError extends ExpenzezError {
  abstract override readonly code: string;
  abstract readonly kind: ErrorKind;
  readonly status?: number;
  readonly error?: string;
  readonly correlationId?: string;
  readonly tlCorrelationId?: string;
  readonly connectionId?: string;
  readonly path?: string;
  readonly retryAfterMs?: number;

  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super("truelayer.error", message, options);
    this.status = context.status;
    this.error = context.error;
    this.correlationId = context.correlationId;
    this.tlCorrelationId = context.tlCorrelationId;
    this.connectionId = context.connectionId;
    this.path = context.path;
    this.retryAfterMs = context.retryAfterMs;
  }

  /** The runtime's view of `kind`: a permanent error fails again, a lost consent needs the user. */
  override get retryable(): boolean {
    return this.kind !== "permanent" && this.kind !== "needs_reconnect";
  }

  override get retryAfterSeconds(): number | undefined {
    return this.retryAfterMs === undefined ? undefined : this.retryAfterMs / 1000;
  }
}

/** 400 validation_error / invalid_request: TrueLayer rejected the request itself (not the entity-level `EntityValidationError` of @expenzez/db). */
export class RequestRejectedError extends TrueLayerError {
  readonly code = "truelayer.validation_error";
  readonly kind = "permanent";
}

/** 400 invalid_date_range. */
export class InvalidDateRangeError extends TrueLayerError {
  readonly code = "truelayer.invalid_date_range";
  readonly kind = "permanent";
}

/** 400 invalid_grant from the token endpoint: consent expired or revoked. */
export class InvalidGrantError extends TrueLayerError {
  readonly code = "truelayer.invalid_grant";
  readonly kind = "needs_reconnect";
}

/** Our client id or secret was refused by the token endpoint: a deployment problem. */
export class InvalidClientError extends TrueLayerError {
  readonly code = "truelayer.invalid_client";
  readonly kind = "permanent";
}

/** 401 unauthorized / invalid_token: refresh the access token once, then fail. */
export class UnauthorizedError extends TrueLayerError {
  readonly code = "truelayer.unauthorized";
  readonly kind = "unauthorized";
}

/** 403 access_denied: consent expired or revoked. */
export class AccessDeniedError extends TrueLayerError {
  readonly code = "truelayer.access_denied";
  readonly kind = "needs_reconnect";
}

/** 403 sca_exceeded: history older than 90 days needs the user present; shorten the window. */
export class ScaExceededError extends TrueLayerError {
  readonly code = "truelayer.sca_exceeded";
  readonly kind = "permanent";
}

/** 404 account_not_found: the account is closed; keep its history. */
export class AccountNotFoundError extends TrueLayerError {
  readonly code = "truelayer.account_not_found";
  readonly kind = "permanent";
}

/** 429 provider_too_many_requests: back off and retry. */
export class ProviderTooManyRequestsError extends TrueLayerError {
  readonly code = "truelayer.provider_too_many_requests";
  readonly kind = "retryable";
}

/** 429 provider_request_limit_exceeded: the PSD2 4-a-day limit; do not retry today. */
export class ProviderRequestLimitExceededError extends TrueLayerError {
  readonly code = "truelayer.provider_request_limit_exceeded";
  readonly kind = "provider_limit";
}

/** 500 internal_server_error. */
export class InternalServerError extends TrueLayerError {
  readonly code = "truelayer.internal_server_error";
  readonly kind = "retryable";
}

/** 501 endpoint_not_supported: skip this feature for the provider. */
export class EndpointNotSupportedError extends TrueLayerError {
  readonly code = "truelayer.endpoint_not_supported";
  readonly kind = "permanent";
}

/** A retryable provider failure whose `code` names TrueLayer's own error value. */
abstract class RetryableProviderError extends TrueLayerError {
  static readonly fallback: string;
  readonly code: string;
  readonly kind = "retryable";
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    // An own field (not a getter), so logged errors show it.
    this.code = `truelayer.${context.error ?? (new.target as typeof RetryableProviderError).fallback}`;
  }
}

/** 503 provider_error, connector_overload, temporarily_unavailable. `code` names which. */
export class ProviderUnavailableError extends RetryableProviderError {
  static override readonly fallback = "provider_error";
}

/** 504 connector_timeout, provider_timeout. `code` names which. */
export class ProviderTimeoutError extends RetryableProviderError {
  static override readonly fallback = "provider_timeout";
}

/** Our own per-request timeout fired. */
export class RequestTimeoutError extends TrueLayerError {
  readonly code = "truelayer.timeout";
  readonly kind = "retryable";
}

/** No HTTP response at all: connection refused or reset, DNS. */
export class NetworkError extends TrueLayerError {
  readonly code = "truelayer.network_error";
  readonly kind = "retryable";
}

/** A 2xx body that does not match what we rely on (ids, amounts, currency, timestamps). */
export class UnexpectedResponseError extends TrueLayerError {
  readonly code = "truelayer.unexpected_response";
  readonly kind = "permanent";
}

/**
 * A 2xx whose body is not JSON (an HTML maintenance page from the bank's gateway): the bank is
 * unavailable, so it is retried like a 503.
 */
export class NonJsonResponseError extends TrueLayerError {
  readonly code = "truelayer.non_json_response";
  readonly kind = "retryable";
}

/**
 * A `results_uri` that is not on the configured Data API host: refused before any request, so
 * the connection's token never goes elsewhere. The callback naming it is not TrueLayer's.
 */
export class ForeignResultsUriError extends TrueLayerError {
  readonly code = "truelayer.foreign_results_uri";
  readonly kind = "permanent";
}

/** An error code this client does not know; classified by status (5xx and 429 retry). */
export class UnknownTrueLayerError extends TrueLayerError {
  readonly code = "truelayer.unknown_error";
  readonly kind: ErrorKind;
  constructor(message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    const status = context.status ?? 0;
    this.kind = status >= 500 || status === 429 ? "retryable" : "permanent";
  }
}

type ErrorClass = new (message: string, context?: ErrorContext, options?: { cause?: unknown }) => TrueLayerError;

/** TrueLayer's `error` values (the error table of the Data API and the token endpoint). */
const BY_ERROR: Record<string, ErrorClass> = {
  validation_error: RequestRejectedError,
  invalid_request: RequestRejectedError,
  invalid_date_range: InvalidDateRangeError,
  invalid_grant: InvalidGrantError,
  invalid_client: InvalidClientError,
  unauthorized_client: InvalidClientError,
  unauthorized: UnauthorizedError,
  invalid_token: UnauthorizedError,
  access_denied: AccessDeniedError,
  sca_exceeded: ScaExceededError,
  account_not_found: AccountNotFoundError,
  provider_too_many_requests: ProviderTooManyRequestsError,
  provider_request_limit_exceeded: ProviderRequestLimitExceededError,
  internal_server_error: InternalServerError,
  endpoint_not_supported: EndpointNotSupportedError,
  provider_error: ProviderUnavailableError,
  connector_overload: ProviderUnavailableError,
  temporarily_unavailable: ProviderUnavailableError,
  connector_timeout: ProviderTimeoutError,
  provider_timeout: ProviderTimeoutError,
};

/** When the body names no known code, the status decides. */
const BY_STATUS: Record<number, ErrorClass> = {
  401: UnauthorizedError,
  429: ProviderTooManyRequestsError,
  500: InternalServerError,
  501: EndpointNotSupportedError,
  502: ProviderUnavailableError,
  503: ProviderUnavailableError,
  504: ProviderTimeoutError,
};

/**
 * The typed error for a TrueLayer error response.
 *
 * @example errorFromResponse({ status: 503, error: "provider_error" }).kind // "retryable"
 */
export function errorFromResponse(context: ErrorContext): TrueLayerError {
  // Own entries only: the body's `error` is the bank's text, and "constructor" or "toString" would
  // otherwise name Object's own functions (a String thrown, a TypeError) instead of a TrueLayerError.
  const byError = context.error && Object.hasOwn(BY_ERROR, context.error) ? BY_ERROR[context.error] : undefined;
  const Known = byError || BY_STATUS[context.status ?? 0] || UnknownTrueLayerError;
  const what = context.error ? `${context.error}${context.description ? `: ${context.description}` : ""}` : "no error body";
  return new Known(`TrueLayer ${context.method ?? ""} ${context.path ?? ""} answered ${context.status ?? "?"} (${what})`.replace(/\s+/g, " "), context);
}

/** The one place that decides whether a failed call is worth another attempt. */
export function isRetryable(error: unknown): error is TrueLayerError {
  return error instanceof TrueLayerError && error.kind === "retryable";
}
