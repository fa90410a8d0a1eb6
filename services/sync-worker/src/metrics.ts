import type { Logger } from "@expenzez/logger";

/** Metric names the sync worker emits (CloudWatch namespace `expenzez/sync`). */
export const METRICS = {
  /** Transactions the bank served that could not be stored; the rest of the connection synced. */
  quarantined: "TransactionsQuarantined",
  /** invalid_grant on refresh while no other run had stored a newer pair: a rotation whose answer was lost, or revoked consent. */
  refreshLost: "RefreshTokenRefused",
  /** Duplicate deliveries of a job that had already completed, or was running. */
  duplicateJobs: "DuplicateJobs",
} as const;

/**
 * One metric as a CloudWatch Embedded Metric Format log line: Lambda's and ECS's log drivers
 * turn it into a metric without an extra API call per sync.
 *
 * @example emitMetric(log, METRICS.quarantined, 2, { connectionId })
 */
export function emitMetric(log: Logger, name: string, value: number, context: Record<string, string> = {}): void {
  log.info(
    {
      _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: "expenzez/sync", Dimensions: [[]], Metrics: [{ Name: name, Unit: "Count" }] }] },
      [name]: value,
      ...context,
    },
    `metric ${name}`,
  );
}
