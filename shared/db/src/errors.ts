import { ExpenzezError } from "@expenzez/common";

/** A table key as written in errors: enough to find the item, never its contents. */
export type ItemKey = { PK: string; SK: string };

/** Base of every error this package throws; `code` is stable for retry policies and logs. */
export class DbError extends ExpenzezError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, message, options);
  }
}

export interface ValidationIssue {
  field: string;
  message: string;
}

/** An item failed its entity schema (on write: nothing was written; on read: a corrupt item). */
export class EntityValidationError extends DbError {
  readonly field: string;
  constructor(
    readonly entityType: string,
    readonly issues: ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    const first = issues[0] ?? { field: "(root)", message: "invalid" };
    // Retrying cannot fix it: queue runtimes dead-letter the message with this reason.
    super("db.validation_failed", `${entityType}.${first.field}: ${first.message}${issues.length > 1 ? ` (+${issues.length - 1} more)` : ""}`, {
      ...options,
      retryable: false,
    });
    this.field = first.field;
  }
}

/** A single-item write's condition failed (e.g. `putNew` on an item that exists). */
export class ConditionalCheckFailedError extends DbError {
  constructor(
    readonly key: ItemKey,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("db.conditional_check_failed", message, options);
    this.name = "ConditionalCheckFailedError";
  }
}

/** Optimistic lock lost: someone wrote the item since it was read. Re-read and re-apply, never blindly retry. */
export class VersionConflictError extends DbError {
  constructor(
    readonly key: ItemKey,
    readonly expectedVersion: number,
    readonly actualVersion: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      "db.version_conflict",
      `version conflict on ${key.PK} / ${key.SK}: expected ${expectedVersion}, found ${actualVersion ?? "no item"}${
        actualVersion === expectedVersion ? " (the sync lease changed since the item was read)" : ""
      }`,
      options,
    );
    this.name = "VersionConflictError";
  }
}

/** One cancelled action of a TransactWriteItems call. */
export interface CancelledAction {
  index: number;
  code: string;
  key: ItemKey | undefined;
  message?: string | undefined;
}

/** Too many actions for one TransactWriteItems call (DynamoDB's limit is 100). */
export class TransactionTooLargeError extends DbError {
  constructor(
    readonly actions: number,
    readonly limit: number,
  ) {
    super("db.transaction_too_large", `${actions} actions exceed the limit of ${limit} per transaction; split with chunkTransactions`);
    this.name = "TransactionTooLargeError";
  }
}

/** A transaction was cancelled for a reason without a more specific class; `reasons` has one entry per action. */
export class TransactionCanceledError extends DbError {
  constructor(
    readonly reasons: CancelledAction[],
    message = `transaction cancelled: ${summarise(reasons)}`,
    code = "db.transaction_canceled",
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = "TransactionCanceledError";
  }

  /** The actions that caused the cancellation (code other than `None`). */
  get failed(): CancelledAction[] {
    return this.reasons.filter((r) => r.code !== "None");
  }
}

/** One or more condition expressions in a transaction failed; nothing was written. */
export class TransactionConditionalCheckFailedError extends TransactionCanceledError {
  constructor(reasons: CancelledAction[], options?: { cause?: unknown }) {
    const failed = reasons.filter((r) => r.code === "ConditionalCheckFailed");
    super(
      reasons,
      `transaction condition failed at action(s) ${failed.map((f) => `#${f.index}${f.key ? ` ${f.key.PK} / ${f.key.SK}` : ""}`).join(", ")}`,
      "db.transaction_condition_failed",
      options,
    );
    this.name = "TransactionConditionalCheckFailedError";
  }

  /** Indexes (into the actions passed to `transactWrite`) whose condition failed. */
  get failedIndexes(): number[] {
    return this.reasons.filter((r) => r.code === "ConditionalCheckFailed").map((r) => r.index);
  }
}

/** Another transaction touched the same item concurrently; re-read and re-diff. */
export class TransactionConflictError extends TransactionCanceledError {
  constructor(reasons: CancelledAction[], options?: { cause?: unknown }) {
    super(reasons, `transaction conflict: ${summarise(reasons)}`, "db.transaction_conflict", options);
    this.name = "TransactionConflictError";
  }
}

/** DynamoDB throttled the request (capacity or request rate); retry later with backoff. */
export class ThrottledError extends DbError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("db.throttled", message, options);
    this.name = "ThrottledError";
  }
}

/** A batch kept coming back with unprocessed requests after every retry. */
export class UnprocessedItemsError extends DbError {
  constructor(
    readonly operation: "BatchWriteItem" | "BatchGetItem",
    readonly remaining: ItemKey[],
    readonly attempts: number,
  ) {
    super(
      "db.unprocessed_items",
      `${operation}: ${remaining.length} request(s) still unprocessed after ${attempts} attempts, e.g. ${remaining
        .slice(0, 3)
        .map((k) => `${k.PK} / ${k.SK}`)
        .join(", ")}`,
    );
    this.name = "UnprocessedItemsError";
  }
}

/** A pagination cursor that this package did not produce (or for another query). */
export class InvalidCursorError extends DbError {
  constructor(reason: string) {
    super("db.invalid_cursor", `invalid pagination cursor: ${reason}`);
    this.name = "InvalidCursorError";
  }
}

function summarise(reasons: CancelledAction[]): string {
  const failed = reasons.filter((r) => r.code !== "None");
  return failed.map((r) => `#${r.index} ${r.code}`).join(", ") || "no reasons given";
}
