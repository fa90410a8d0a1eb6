import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Logger } from "pino";

/** The CloudWatch namespace of every metric the pipeline emits; `service` is always a dimension. */
export const METRICS_NAMESPACE = "expenzez";

/** The CloudWatch units we use (a subset of EMF's). */
export type MetricUnit = "Count" | "Milliseconds" | "Seconds";

export interface MetricPoint {
  /** CloudWatch metric name, PascalCase (`SyncDuration`). */
  name: string;
  value: number;
  unit: MetricUnit;
}

export interface EmitOptions {
  /**
   * Extra dimensions (each on top of `service`), e.g. `{ errorCode }`. Keep their values
   * low-cardinality: every distinct combination is its own CloudWatch metric. The point is also
   * published by `service` alone, so an alarm can watch the total (a CloudWatch alarm cannot sum
   * over every value of a dimension).
   */
  dimensions?: Record<string, string>;
  /** Fields searchable in the log line but not metrics (ids, counts for context). */
  properties?: Record<string, unknown>;
  namespace?: string;
}

/**
 * Writes metrics as one CloudWatch Embedded Metric Format (EMF) log line through `log`: Lambda's
 * and ECS's log drivers turn the line into metrics without an API call, and the line keeps every
 * binding of `log` (service, correlation id, message id). The EMF document is built by
 * Powertools' `Metrics` (names, units and values validated there); the logger only writes it.
 *
 * @example
 * emitMetrics(log, [{ name: "SyncDuration", value: 812, unit: "Milliseconds" }, { name: "TransactionsPerSync", value: 40, unit: "Count" }]);
 * // {"service":"sync-worker","correlationId":"…","_aws":{"CloudWatchMetrics":[{"Namespace":"expenzez","Dimensions":[["service"]],"Metrics":[…]}],…},"SyncDuration":812,…}
 */
export function emitMetrics(log: Logger, points: readonly MetricPoint[], options: EmitOptions = {}): void {
  if (points.length === 0) return;
  const service = serviceOf(log);
  try {
    // JSON has no NaN or Infinity: such a value would reach CloudWatch as null.
    const bad = points.find((p) => !Number.isFinite(p.value));
    if (bad) throw new RangeError(`metric ${bad.name} has the non-finite value ${bad.value}`);
    // The line is written at info: below that level there is nothing to build (a Metrics object
    // and its console per call, measured at 2% of a sync job's main-thread CPU).
    if (!log.isLevelEnabled("info")) return;
    const metrics = new Metrics({ namespace: options.namespace ?? METRICS_NAMESPACE, serviceName: service, logger: warningsTo(log) });
    for (const [name, value] of Object.entries(options.dimensions ?? {})) metrics.addDimension(name, value);
    for (const p of points) metrics.addMetric(p.name, p.unit, p.value);
    const { service: _alreadyBound, ...emf } = metrics.serializeMetrics() as Record<string, unknown> & EmfDocument;
    const directive = emf._aws.CloudWatchMetrics[0];
    if (directive && Object.keys(options.dimensions ?? {}).length > 0) directive.Dimensions.push(["service"]);
    // `service` is on every line already (the logger's base): writing it twice would duplicate the key.
    log.info({ ...options.properties, ...emf }, `metrics ${points.map((p) => p.name).join(",")}`);
  } catch (err) {
    // A metric is never worth failing the work it measures.
    log.warn({ err, metrics: points.map((p) => p.name) }, "metric not emitted");
  }
}

/** Shorthand for one metric. */
export function emitMetric(log: Logger, name: string, value: number, unit: MetricUnit = "Count", options: EmitOptions = {}): void {
  emitMetrics(log, [{ name, value, unit }], options);
}

/** The part of Powertools' EMF document we extend. */
interface EmfDocument {
  _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
}

function serviceOf(log: Logger): string {
  const bound = log.bindings().service;
  return typeof bound === "string" && bound.length > 0 ? bound : "unknown";
}

/** Powertools reports rejected dimensions and metrics through a console-like logger: ours. */
function warningsTo(log: Logger) {
  return {
    debug: (...args: unknown[]) => log.debug({ args }, "metrics"),
    info: (...args: unknown[]) => log.info({ args }, "metrics"),
    warn: (...args: unknown[]) => log.warn({ args }, "metrics"),
    error: (...args: unknown[]) => log.error({ args }, "metrics"),
  };
}
