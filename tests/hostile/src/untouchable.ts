/** Thrown when a handler reaches its dependencies: the message got past parsing. */
export class ReachedDeps extends Error {
  constructor(readonly what: string) {
    super(`handler reached deps.${what}`);
  }
}

/**
 * Dependencies a handler must not reach with a message that fails its schema: any property
 * read throws ReachedDeps. The `log` is real-shaped and silent (handlers log before parsing);
 * `phases` is absent.
 */
export function untouchable<T>(log: unknown): T {
  return new Proxy({} as Record<string, unknown>, {
    get(_target, prop) {
      if (prop === "log") return log;
      if (prop === "then") return undefined;
      // The sync worker's optional phase observer (the bench's CPU account) is marked before the
      // parse: absent, as in production; it does no I/O.
      if (prop === "phases") return undefined;
      if (typeof prop === "symbol") return undefined;
      throw new ReachedDeps(prop);
    },
  }) as T;
}
