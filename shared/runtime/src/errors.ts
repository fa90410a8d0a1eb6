/** Base of the runtime's errors; `code` is stable. */
export class RuntimeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The message can never succeed (invalid payload, unknown connection): it goes to the DLQ
 * with this reason at once instead of being retried. Errors of other packages opt in by
 * carrying `permanent: true` (see `classifyFailure`).
 */
export class PermanentFailure extends RuntimeError {
  readonly permanent = true;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Try again later, after `delaySeconds` when the cause says how long (e.g. Retry-After). */
export class RetryLater extends RuntimeError {
  constructor(
    code: string,
    message: string,
    readonly delaySeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class WorkerOptionsError extends RuntimeError {
  constructor(message: string) {
    super("runtime.invalid_options", message);
  }
}
