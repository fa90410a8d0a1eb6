import { ExpenzezError, fullJitterDelay } from "@expenzez/common";
import { z } from "zod";
import { DeferMessage, deferralDelaySeconds, MAX_DEFERRALS } from "./defer";

/** What a runtime does with a message once its handler has run. */
export type Disposition =
  | { kind: "done" }
  /** Sent back to its queue delayed, this copy deleted: no receive spent (`DeferMessage`). */
  | { kind: "defer"; delaySeconds: number; code: string; reason: string }
  | { kind: "retry"; delaySeconds: number; code: string; reason: string }
  | { kind: "dead"; code: string; reason: string };

/** SQS caps a message's visibility timeout at 12 hours; we never back off past 15 minutes. */
const MAX_BACKOFF_SECONDS = 900;
const BASE_BACKOFF_SECONDS = 2;

export type FailureDisposition = Extract<Disposition, { kind: "retry" | "dead" }>;

/**
 * A `DeferMessage` under its bound becomes a deferral; past `MAX_DEFERRALS`, or any other error,
 * is left to `classifyFailure` (a `DeferMessage` then retries after the delay it asked for).
 */
export function deferral(error: unknown, deferrals: number): Extract<Disposition, { kind: "defer" }> | undefined {
  if (!(error instanceof DeferMessage) || deferrals >= MAX_DEFERRALS) return undefined;
  const longest = error.delaySeconds ?? 0;
  const asked = error.firstWaitSeconds === undefined ? longest : Math.min(longest, error.firstWaitSeconds * 2 ** deferrals);
  return { kind: "defer", delaySeconds: deferralDelaySeconds(asked), code: error.code, reason: errorMessage(error) };
}

/**
 * The one place that decides retry versus dead-letter, from the error's own advice:
 * - an `ExpenzezError` with `retryable: false` (PermanentFailure, db's EntityValidationError, the
 *   events package's EventValidationError, a TrueLayer `permanent` error, ...) or a zod
 *   validation error → dead-letter now, with the reason;
 * - everything else → retry after the error's `retryAfterSeconds` (Retry-After, a lease's
 *   remaining term) or with full-jitter exponential backoff on the receive count; on the queue's
 *   last allowed receive, the runtime dead-letters it instead (`lastReceive`).
 */
export function classifyFailure(error: unknown, receiveCount: number, random: () => number = Math.random): FailureDisposition {
  const code = errorCode(error);
  const reason = errorMessage(error);
  if (isPermanent(error)) return { kind: "dead", code, reason };
  const advised = error instanceof ExpenzezError ? error.retryAfterSeconds : undefined;
  // A Retry-After in the past, or unparsable, must not make ChangeMessageVisibility fail.
  const delaySeconds =
    advised !== undefined && Number.isFinite(advised)
      ? Math.min(MAX_BACKOFF_SECONDS, Math.ceil(Math.max(0, advised)))
      : fullJitterDelay(receiveCount, { base: BASE_BACKOFF_SECONDS, cap: MAX_BACKOFF_SECONDS }, random);
  return { kind: "retry", delaySeconds, code, reason };
}

/** The code a message carries to its DLQ when its transient failures outlasted the queue's receives. */
export const RETRIES_EXHAUSTED = "retries_exhausted";

/**
 * A retry on the queue's last allowed receive would only let SQS's redrive policy move the
 * message to the DLQ on its next receive, without a reason. The runtime dead-letters it itself
 * instead, with `retries_exhausted` and the last error, so every DLQ message says why.
 * `ApproximateReceiveCount` is what SQS's redrive compares to `maxReceiveCount` too. Without a
 * `maxReceiveCount` (a queue with no redrive policy), a retry stays a retry.
 *
 * @example lastReceive({ kind: "retry", delaySeconds: 4, code: "truelayer.provider_error", reason: "503" }, 5, 5)
 * // → { kind: "dead", code: "retries_exhausted", reason: "truelayer.provider_error: 503 (receive 5 of 5)" }
 */
export function lastReceive(disposition: FailureDisposition, receiveCount: number, maxReceiveCount: number | undefined): FailureDisposition {
  if (disposition.kind !== "retry" || maxReceiveCount === undefined || receiveCount < maxReceiveCount) return disposition;
  return {
    kind: "dead",
    code: RETRIES_EXHAUSTED,
    reason: shorten(`${disposition.code}: ${disposition.reason} (receive ${receiveCount} of ${maxReceiveCount})`),
  };
}

function isPermanent(error: unknown): boolean {
  if (error instanceof ExpenzezError) return !error.retryable;
  // zod's own errors (classic ZodError and zod/mini's $ZodError share this base): a payload
  // that failed its schema fails it again.
  return error instanceof z.core.$ZodError;
}

function errorCode(error: unknown): string {
  const code = error && typeof error === "object" ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && code) return code;
  return error instanceof Error ? error.name : "unknown";
}

function errorMessage(error: unknown): string {
  return shorten(describe(error));
}

// SQS message attributes hold up to 256 KiB, but a reason is for people: keep it short.
function shorten(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

// A handler may throw anything: a null-prototype object (or an array holding one) has no string
// conversion, and an Error's message may have been replaced by a non-string. Deciding must not throw.
function describe(error: unknown): string {
  try {
    const message = error instanceof Error ? error.message : error;
    return typeof message === "string" ? message : String(message);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
