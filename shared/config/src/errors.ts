/** Thrown at start-up when the environment is missing or has a bad variable; names each one. */
export class ConfigError extends Error {
  readonly code = "config.invalid";
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
