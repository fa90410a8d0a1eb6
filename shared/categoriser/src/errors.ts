/** Base error of the categoriser; `code` is stable across releases. */
export class CategoriserError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CategoriserError";
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
