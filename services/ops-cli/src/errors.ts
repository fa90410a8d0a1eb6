/** A failure the operator can act on: printed as `error <code>: <message>`, exit status 1 (2 for usage). */
export class OpsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "OpsError";
  }
}

export const usageError = (message: string) => new OpsError("ops.usage", message, 2);
