import { ExpenzezError } from "@expenzez/common";

/** Base error of the categoriser; `code` is stable across releases. */
export class CategoriserError extends ExpenzezError {
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A CLI input line or a rule that fails validation. */
export class InvalidInputError extends CategoriserError {
  constructor(
    message: string,
    readonly issues: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, "categoriser.invalid_input", options);
    this.name = "InvalidInputError";
  }
}

/** The shipped model file does not have the expected shape. */
export class ModelFormatError extends CategoriserError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, "categoriser.model_format", options);
    this.name = "ModelFormatError";
  }
}
