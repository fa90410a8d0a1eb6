/** Whether and when a failure may succeed if tried again. */
export interface RetryAdvice {
  /** False: the same input fails the same way (dead-letter it with the reason); true: try again later. */
  retryable: boolean;
  /** When the failure said how long to wait (Retry-After, a lease's remaining term). */
  afterSeconds?: number;
}

/**
 * The base of every error that crosses a package boundary: a stable `code`
 * (`truelayer.invalid_grant`, `sync.lease_held`), a message for people, a `cause`, and whether
 * trying again can help. The queue runtime's one retry policy (`classifyFailure`) reads
 * `retryable` and `retryAfterSeconds` and nothing else. Subclasses whose advice depends on their
 * own fields (the TrueLayer client's `kind`) override the two getters.
 */
export class ExpenzezError extends Error {
  readonly code: string;
  readonly #advice: RetryAdvice;

  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.#advice = { retryable: options.retryable ?? true, ...(options.retryAfterSeconds !== undefined ? { afterSeconds: options.retryAfterSeconds } : {}) };
  }

  get retryable(): boolean {
    return this.#advice.retryable;
  }

  get retryAfterSeconds(): number | undefined {
    return this.#advice.afterSeconds;
  }
}

/** True for an error of this family that says trying again cannot help. */
export function isPermanentError(error: unknown): boolean {
  return error instanceof ExpenzezError && !error.retryable;
}
