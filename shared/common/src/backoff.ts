/**
 * Exponential backoff with full jitter: a random wait up to `base × 2^(attempt−1)`, capped.
 * Spreads the retries of many workers instead of synchronising them (the AWS Architecture Blog's
 * "full jitter"). `attempt` is 1 for the first retry. The one backoff of the code base.
 *
 * @example fullJitterDelay(3, { base: 100, cap: 2000 }, () => 0.5) // 200: half of 100·2²
 */
export function fullJitterDelay(attempt: number, options: { base: number; cap: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(options.cap, options.base * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
