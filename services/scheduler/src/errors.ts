import { ExpenzezError } from "@expenzez/common";

/** Errors of the scheduler, each with a stable `code`. */
export class SchedulerError extends ExpenzezError {
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, options);
  }
}

/** Jobs that SQS refused even after retries; their claims were handed back. */
export class JobsNotSentError extends SchedulerError {
  constructor(
    readonly count: number,
    options?: ErrorOptions,
  ) {
    super("scheduler.jobs_not_sent", `${count} sync jobs could not be sent; their connections stay due`, options);
  }
}
