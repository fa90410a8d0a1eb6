/** Base of the simulator's own errors (not the TrueLayer errors it serves on purpose). */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UnknownUserError extends SandboxError {
  constructor(readonly userId: string) {
    super("sandbox.unknown_user", `no simulated user "${userId}"`, 404);
  }
}

/** An admin request or config file that does not parse. */
export class InvalidSandboxInputError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("sandbox.invalid_input", message, 400, options);
  }
}

/** A call of the typed admin client that the simulator refused. */
export class AdminCallError extends SandboxError {
  constructor(
    message: string,
    status: number,
    readonly body: unknown,
  ) {
    super("sandbox.admin_call_failed", message, status);
  }
}
