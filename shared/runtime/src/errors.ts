import { ExpenzezError } from "@expenzez/common";

/** Base of the runtime's errors; `code` is stable. */
export class RuntimeError extends ExpenzezError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean; retryAfterSeconds?: number }) {
    super(code, message, options);
  }
}

/**
 * The message can never succeed (invalid payload, unknown connection): it goes to the DLQ
 * with this reason at once instead of being retried. Errors of other packages say the same
 * with `retryable: false` on their `ExpenzezError` (see `classifyFailure`).
 */
export class PermanentFailure extends RuntimeError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, { ...options, retryable: false });
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
    super(code, message, { ...options, ...(delaySeconds !== undefined ? { retryAfterSeconds: delaySeconds } : {}) });
  }
}

export class WorkerOptionsError extends RuntimeError {
  constructor(message: string) {
    super("runtime.invalid_options", message);
  }
}

/** A handler ran past the worker's handler timeout; retried like any transient failure. */
export class HandlerTimeoutError extends RuntimeError {
  constructor(readonly timeoutMs: number) {
    super("runtime.handler_timeout", `handler did not finish within ${timeoutMs} ms: abandoned and retried`);
  }
}

/**
 * The runtime asked the handler to stop: the long-polling worker is shutting down, or a Lambda
 * invocation is nearing its timeout. It is the reason of the handler's aborted `signal` (so
 * `signal.throwIfAborted()` throws it). Not the message's failure: a handler that stops this way
 * has its message handed back at once, without a receive's backoff (`processMessage`).
 */
export class StopRequestedError extends RetryLater {
  constructor(readonly why: "shutdown" | "deadline") {
    super(
      "runtime.stop_requested",
      why === "deadline" ? "the invocation is nearing its timeout: stop at a safe point" : "the worker is shutting down: stop at a safe point",
      0,
    );
  }
}

/** Concurrent writers kept winning: retried later as a whole (the message comes back). */
export class ConflictRetriesExhaustedError extends RuntimeError {
  constructor(what: string, attempts: number, options?: { cause?: unknown }) {
    super("runtime.conflict_retries_exhausted", `${what}: lost ${attempts} races with concurrent writers`, options);
  }
}
