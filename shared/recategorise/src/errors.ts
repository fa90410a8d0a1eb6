import { ExpenzezError } from "@expenzez/common";

/** Base of this package's errors; `code` is stable. */
export class RecategoriseError extends ExpenzezError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, message, options);
  }
}

/** The transaction the user edited does not exist (for this user). */
export class TransactionNotFoundError extends RecategoriseError {
  constructor(
    readonly userId: string,
    readonly transactionId: string,
  ) {
    super("recategorise.transaction_not_found", `no transaction ${transactionId} for user ${userId}`, { retryable: false });
  }
}

/** A category outside the taxonomy. */
export class InvalidCategoryError extends RecategoriseError {
  constructor(readonly secondary: string) {
    super("recategorise.invalid_category", `not a category of the taxonomy: ${JSON.stringify(secondary)}`, { retryable: false });
  }
}
