import { PermanentFailure } from "@expenzez/runtime";

/**
 * The recurring detector's errors, each with a stable code; retry or dead-letter follows from
 * the base class, decided by the runtime's `classifyFailure`.
 */

/** The message is not an event this consumer handles: it can never succeed. */
export class UnexpectedEventError extends PermanentFailure {
  constructor(detailType: string) {
    super("recurring.unexpected_event", `recurring-detector does not handle ${detailType}`);
  }
}
