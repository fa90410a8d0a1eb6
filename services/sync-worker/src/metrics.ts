import { emitMetrics, type Logger, type MetricPoint } from "@expenzez/logger";

/** Metric names the sync worker emits (CloudWatch namespace `expenzez`, dimension `service`; see docs/operations.md). */
export const METRICS = {
  /** Transactions the bank served that could not be stored; the rest of the connection synced. */
  quarantined: "TransactionsQuarantined",
  /** invalid_grant on refresh while no other run had stored a newer pair: a rotation whose answer was lost, or revoked consent. */
  refreshLost: "RefreshTokenRefused",
  /** Duplicate deliveries of a job that had already completed, or was running. */
  duplicateJobs: "DuplicateJobs",
  /** Jobs acknowledged without a sync: a completed sync had started after they were requested (`contention.ts`). */
  coveredJobs: "JobsCovered",
  /** A connection synced: lease taken to connection written (ms). */
  syncDuration: "SyncDuration",
  /** Transactions a sync added, changed or removed. */
  transactionsPerSync: "TransactionsPerSync",
  /** A sync that ended without syncing, by `errorCode` (dimension): reconnect needed, bank refused, limits. */
  syncFailures: "SyncFailures",
  /** A connection's sealed tokens could not be opened, by `fault` (dimension): `record` (its own) or `key` (our KMS configuration), ADR 0073. */
  tokenFaults: "TokenFaults",
} as const;

/**
 * One count as a CloudWatch Embedded Metric Format line through the job's logger (so it carries
 * the job's correlation id); the EMF shape is `@expenzez/logger`'s `emitMetrics`.
 *
 * @example emitMetric(log, METRICS.quarantined, 2, { connectionId })
 */
export function emitMetric(log: Logger, name: string, value: number, context: Record<string, string> = {}): void {
  emitMetrics(log, [{ name, value, unit: "Count" }], { properties: context });
}

/** What one finished sync reports: how long it took and how many transactions it moved. */
export function emitSyncMetrics(log: Logger, figures: { durationMs: number; added: number; changed: number; removed: number }): void {
  const points: MetricPoint[] = [
    { name: METRICS.syncDuration, value: figures.durationMs, unit: "Milliseconds" },
    { name: METRICS.transactionsPerSync, value: figures.added + figures.changed + figures.removed, unit: "Count" },
  ];
  emitMetrics(log, points, { properties: { added: figures.added, changed: figures.changed, removed: figures.removed } });
}

/** A sync that ended without syncing, by its error code (a stable, small set: TrueLayer's kinds and ours). */
export function emitSyncFailure(log: Logger, errorCode: string): void {
  emitMetrics(log, [{ name: METRICS.syncFailures, value: 1, unit: "Count" }], { dimensions: { errorCode } });
}

/** A connection whose sealed tokens could not be opened, by whose fault (`record` or `key`, ADR 0073). */
export function emitTokenFault(log: Logger, fault: "record" | "key"): void {
  emitMetrics(log, [{ name: METRICS.tokenFaults, value: 1, unit: "Count" }], { dimensions: { fault } });
}
