/** Base of this package's errors; `code` is stable. */
export class RecategoriseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The transaction the user edited does not exist (for this user). */
export class TransactionNotFoundError extends RecategoriseError {
  readonly permanent = true;
  constructor(
    readonly userId: string,
    readonly transactionId: string,
  ) {
    super("recategorise.transaction_not_found", `no transaction ${transactionId} for user ${userId}`);
  }
}

/** A category outside the taxonomy. */
export class InvalidCategoryError extends RecategoriseError {
  readonly permanent = true;
  constructor(readonly secondary: string) {
    super("recategorise.invalid_category", `not a category of the taxonomy: ${JSON.stringify(secondary)}`);
  }
}

/** Concurrent writers (a sync) kept winning the race for the same items. */
export class RecategoriseConflictError extends RecategoriseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("recategorise.conflict", message, options);
  }
}
