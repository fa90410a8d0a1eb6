import { ExpenzezError } from "@expenzez/common";

/** Base error of the recurring detector; `code` is stable across releases. */
export class RecurringError extends ExpenzezError {
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A CLI argument, an input line or a date that cannot be read. */
export class InvalidInputError extends RecurringError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "recurring.invalid_input", options);
    this.name = "InvalidInputError";
  }
}
