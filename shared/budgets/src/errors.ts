import { ExpenzezError } from "@expenzez/common";

/** Base of the budget domain's errors; `code` is stable. */
export class BudgetError extends ExpenzezError {
  constructor(code: string, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, message, options);
  }
}

/** Not an IANA time zone luxon knows: periods cannot be cut in it. */
export class InvalidTimeZoneError extends BudgetError {
  constructor(readonly zone: string) {
    super("budgets.invalid_time_zone", `not an IANA time zone: ${JSON.stringify(zone)}`);
  }
}

/** A period definition that cannot produce periods (a custom budget without its dates). */
export class InvalidPeriodError extends BudgetError {
  constructor(message: string) {
    super("budgets.invalid_period", message);
  }
}
