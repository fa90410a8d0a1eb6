import { describe, expect, it } from "vitest";
import {
  AccessDeniedError,
  AccountNotFoundError,
  EndpointNotSupportedError,
  errorFromResponse,
  InternalServerError,
  InvalidDateRangeError,
  InvalidGrantError,
  isRetryable,
  ProviderRequestLimitExceededError,
  ProviderTimeoutError,
  ProviderTooManyRequestsError,
  ProviderUnavailableError,
  RequestRejectedError,
  ScaExceededError,
  UnauthorizedError,
  UnknownTrueLayerError,
} from "../src/errors";

describe("the error table", () => {
  it.each([
    [400, "validation_error", RequestRejectedError, "permanent"],
    [400, "invalid_date_range", InvalidDateRangeError, "permanent"],
    [400, "invalid_grant", InvalidGrantError, "needs_reconnect"],
    [401, "unauthorized", UnauthorizedError, "unauthorized"],
    [401, "invalid_token", UnauthorizedError, "unauthorized"],
    [403, "access_denied", AccessDeniedError, "needs_reconnect"],
    [403, "sca_exceeded", ScaExceededError, "permanent"],
    [404, "account_not_found", AccountNotFoundError, "permanent"],
    [429, "provider_too_many_requests", ProviderTooManyRequestsError, "retryable"],
    [429, "provider_request_limit_exceeded", ProviderRequestLimitExceededError, "provider_limit"],
    [500, "internal_server_error", InternalServerError, "retryable"],
    [501, "endpoint_not_supported", EndpointNotSupportedError, "permanent"],
    [503, "provider_error", ProviderUnavailableError, "retryable"],
    [503, "connector_overload", ProviderUnavailableError, "retryable"],
    [503, "temporarily_unavailable", ProviderUnavailableError, "retryable"],
    [504, "connector_timeout", ProviderTimeoutError, "retryable"],
    [504, "provider_timeout", ProviderTimeoutError, "retryable"],
  ] as const)("%i %s → %s (%s)", (status, error, Class, kind) => {
    const err = errorFromResponse({ status, error, correlationId: "c-1", path: "/accounts" });
    expect(err).toBeInstanceOf(Class);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.correlationId).toBe("c-1");
    expect(isRetryable(err)).toBe(kind === "retryable");
    if (error !== "unauthorized" && error !== "invalid_token") expect(err.code).toBe(`truelayer.${error}`);
  });

  it("classifies unknown codes by status: 5xx and 429 retry, others are permanent", () => {
    expect(errorFromResponse({ status: 502 })).toMatchObject({ kind: "retryable", code: "truelayer.provider_error" });
    expect(errorFromResponse({ status: 504 })).toMatchObject({ kind: "retryable", code: "truelayer.provider_timeout" });
    const odd = errorFromResponse({ status: 418, error: "teapot" });
    expect(odd).toBeInstanceOf(UnknownTrueLayerError);
    expect(odd.kind).toBe("permanent");
    expect(errorFromResponse({ status: 599, error: "weird" }).kind).toBe("retryable");
  });

  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "an error value naming an Object property (%s) is classified by status like any unknown one",
    (error) => {
      const unavailable = errorFromResponse({ status: 503, error });
      expect(unavailable).toBeInstanceOf(ProviderUnavailableError);
      expect(unavailable.kind).toBe("retryable");
      const refused = errorFromResponse({ status: 400, error });
      expect(refused).toBeInstanceOf(UnknownTrueLayerError);
      expect(refused.kind).toBe("permanent");
    },
  );

  it("keeps the TrueLayer description in the message and Retry-After on the error", () => {
    const err = errorFromResponse({
      status: 429,
      error: "provider_too_many_requests",
      description: "slow down",
      retryAfterMs: 2000,
      method: "GET",
      path: "/cards",
    });
    expect(err.message).toBe("TrueLayer GET /cards answered 429 (provider_too_many_requests: slow down)");
    expect(err.retryAfterMs).toBe(2000);
    expect(err.name).toBe("ProviderTooManyRequestsError");
  });
});
