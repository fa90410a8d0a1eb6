/**
 * The capped exponential a backoff grows by: `base × 2^(attempt−1)`, at most `cap`. `attempt` is
 * 1 for the first retry (so it waits `base`).
 *
 * @example exponentialCeiling(3, { base: 15, cap: 60 }) // 60: 15·2² is 60
 */
export function exponentialCeiling(attempt: number, options: { base: number; cap: number }): number {
  return Math.min(options.cap, options.base * 2 ** Math.max(0, attempt - 1));
}

/**
 * Exponential backoff with full jitter: a random wait up to `exponentialCeiling(attempt)`.
 * Spreads the retries of many workers instead of synchronising them (the AWS Architecture Blog's
 * "full jitter"). `attempt` is 1 for the first retry. The code base's other back-offs (the
 * scheduler's after failed syncs, a token key fault's retries) grow by the same ceiling.
 *
 * @example fullJitterDelay(3, { base: 100, cap: 2000 }, () => 0.5) // 200: half of 100·2²
 */
export function fullJitterDelay(attempt: number, options: { base: number; cap: number }, random: () => number = Math.random): number {
  return Math.floor(random() * exponentialCeiling(attempt, options));
}
