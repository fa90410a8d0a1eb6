import { fullJitterDelay } from "@expenzez/common";

export interface BackoffOptions {
  /** Attempts in total (the first call included). Default 8. */
  maxAttempts?: number;
  /** First retry waits up to this long; doubles each attempt. Default 50 ms. */
  baseDelayMs?: number;
  /** Cap of one wait. Default 3 s. */
  maxDelayMs?: number;
  /** Injected in tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "Full jitter" exponential backoff: spreads retries of many workers instead of synchronising them. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  return fullJitterDelay(attempt, { base: options.baseDelayMs ?? 50, cap: options.maxDelayMs ?? 3_000 }, options.random);
}

/** Splits into chunks of at most `size`. @example chunk([1, 2, 3], 2) // [[1, 2], [3]] */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
