import { DeferMessage, PermanentFailure, RetryLater } from "@expenzez/runtime";

/**
 * The sync worker's errors, each with a stable code. Whether a message is retried or
 * dead-lettered follows from the base class (PermanentFailure / RetryLater), decided by the
 * runtime's `classifyFailure` in one place.
 */

/** The message body is not a SyncJob: it can never succeed. */
export class InvalidJobError extends PermanentFailure {
  constructor(reason: string) {
    super("sync.invalid_job", `invalid sync job: ${reason}`);
  }
}

/**
 * The connection's sealed tokens can never be opened: its record is bad (ADR 0073). Dead-lettered
 * at once; the connection is out of the schedule until an operator acts.
 */
export class TokenUnreadableError extends PermanentFailure {
  constructor(connectionId: string, reason: string, options?: { cause?: unknown }) {
    super("sync.token_unreadable", `sealed tokens of connection ${connectionId} cannot be opened: ${reason}`, options);
  }
}

/** The job names a connection that does not exist. */
export class UnknownConnectionError extends PermanentFailure {
  constructor(userId: string, connectionId: string) {
    super("sync.unknown_connection", `no connection ${connectionId} for user ${userId}`);
  }
}

/**
 * Another delivery is syncing this connection; try again once its lease may have ended. A
 * deferral: the runtime sends the job back delayed without spending a receive (`contention.ts`).
 */
export class LeaseHeldError extends DeferMessage {
  constructor(connectionId: string, delaySeconds: number, options?: { cause?: unknown }) {
    super("sync.lease_held", `sync lease on ${connectionId} is held by another worker`, delaySeconds, options);
  }
}

/** TrueLayer kept failing with a retryable error after the client's own retries (the client's own `ProviderUnavailableError` is one such cause). */
export class ProviderRetriesExhaustedError extends RetryLater {
  constructor(connectionId: string, delaySeconds: number | undefined, options?: { cause?: unknown }) {
    super("sync.provider_unavailable", `TrueLayer unavailable for ${connectionId}; the queue redelivers later`, delaySeconds, options);
  }
}

/** Concurrent writers kept changing an account while we re-read and re-diffed it. */
export class WriteConflictError extends RetryLater {
  constructor(connectionId: string, attempts: number, options?: { cause?: unknown }) {
    super("sync.write_conflict", `accounts of connection ${connectionId} changed under ${attempts} write attempts`, undefined, options);
  }
}

/** Another worker took over this connection's lease (ours lapsed): stop writing; the queue retries. */
export class LeaseLostError extends RetryLater {
  constructor(connectionId: string) {
    super("sync.lease_lost", `sync lease on ${connectionId} was taken over; this run stopped writing`, 5);
  }
}

/** Another worker stored a newer token pair while we refreshed with an older one: retry with theirs. */
export class TokenRotatedElsewhereError extends RetryLater {
  constructor(connectionId: string, options?: { cause?: unknown }) {
    super("sync.token_rotated_elsewhere", `refresh token of ${connectionId} was rotated by another run; retrying with the stored pair`, 1, options);
  }
}

/** A results callback's `results_uri` is not on our TrueLayer data host: never fetched (the token stays home). */
export class ForeignResultsHostError extends PermanentFailure {
  constructor(taskId: string, options?: { cause?: unknown }) {
    super("sync.results_foreign_host", `results of task ${taskId} are not on the configured TrueLayer data host: refused`, options);
  }
}

/** A results job that names a request we never make or an account the connection does not have. */
export class UnusableResultsError extends PermanentFailure {
  constructor(taskId: string, reason: string) {
    super("sync.results_unusable", `results of task ${taskId} cannot be stored: ${reason}`);
  }
}
