import type { Logger } from "pino";

/**
 * `log` with `correlationId` bound, unless it has one bound already (the queue runtime binds the
 * message's): pino does not merge a child's keys with its parent's, so binding twice would write
 * the key twice on every line.
 *
 * @example const log = bindCorrelationId(deps.log, entry.correlationId);
 */
export function bindCorrelationId(log: Logger, correlationId: string | undefined): Logger {
  if (!correlationId || log.bindings().correlationId !== undefined) return log;
  return log.child({ correlationId });
}
