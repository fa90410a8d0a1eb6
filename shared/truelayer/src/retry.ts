import { fullJitterDelay } from "@expenzez/common";

/** Backoff settings; defaults suit a queue worker that can also requeue the message later. */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the caller requeues instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 60_000 };

/**
 * Exponential backoff with full jitter (a random delay up to the exponential cap), so retries
 * from many workers spread out instead of arriving together.
 *
 * @example backoffDelayMs(2, DEFAULT_RETRY_POLICY, () => 0.5) // 1000: half of 500·2²
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  // Our attempt 0 is the first retry: the project's backoff counts retries from 1.
  return fullJitterDelay(attempt + 1, { base: policy.baseDelayMs, cap: policy.maxDelayMs }, random);
}

/** RFC 9110's three HTTP-date forms all open with a day name; Date.parse alone would read "1.5" as 2001. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /i;

/** An HTTP date (a `Date` or `Retry-After` header) as epoch ms; undefined when it is not one. */
export function parseHttpDate(value: string | undefined | null): number | undefined {
  const text = value?.trim() ?? "";
  const at = HTTP_DATE.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date. Undefined when absent or unreadable;
 * never negative (a date in the past gives 0). Pass the response's `Date` as `now` when it has
 * one: both dates then come from the server's clock, and ours may be skewed.
 */
export function parseRetryAfter(value: string | undefined | null, now: Date): number | undefined {
  if (value === undefined || value === null || value.trim() === "") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text);
  return at === undefined ? undefined : Math.max(0, at - now.getTime());
}
