import { describe, expect, it } from "vitest";
import { createLogger, emitMetric, emitMetrics, METRICS_NAMESPACE } from "../src/index";

function capture(service = "sync-worker") {
  const lines: string[] = [];
  const log = createLogger(service, { level: "debug", destination: { write: (l) => lines.push(l) } });
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), raw: lines };
}

/** What CloudWatch requires of an EMF line: every metric and dimension named is a top-level value of the right type. */
function expectValidEmf(entry: Record<string, unknown>) {
  const aws = entry._aws as {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  expect(typeof aws.Timestamp).toBe("number");
  expect(aws.CloudWatchMetrics).toHaveLength(1);
  const [directive] = aws.CloudWatchMetrics;
  for (const m of directive!.Metrics) expect(typeof entry[m.Name]).toBe("number");
  for (const set of directive!.Dimensions) for (const d of set) expect(typeof entry[d]).toBe("string");
  return directive!;
}

describe("emitMetrics (CloudWatch Embedded Metric Format through the logger)", () => {
  it("writes one EMF line with every metric, its unit, the namespace and the service dimension", () => {
    const { log, entries } = capture();
    emitMetrics(log, [
      { name: "SyncDuration", value: 812, unit: "Milliseconds" },
      { name: "TransactionsPerSync", value: 40, unit: "Count" },
    ]);
    const [entry] = entries();
    const directive = expectValidEmf(entry!);
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toEqual([["service"]]);
    expect(directive.Metrics).toEqual([
      { Name: "SyncDuration", Unit: "Milliseconds" },
      { Name: "TransactionsPerSync", Unit: "Count" },
    ]);
    expect(entry).toMatchObject({ service: "sync-worker", SyncDuration: 812, TransactionsPerSync: 40 });
  });

  it("adds dimensions on top of service, also publishes the point by service alone, and keeps properties out of the metric definitions", () => {
    const { log, entries } = capture("budget-recalc");
    emitMetric(log, "HandlerErrors", 1, "Count", { dimensions: { errorCode: "budget.invalid_event" }, properties: { messageId: "m-1" } });
    const [entry] = entries();
    const directive = expectValidEmf(entry!);
    expect(directive.Dimensions).toEqual([["service", "errorCode"], ["service"]]);
    expect(directive.Metrics.map((m) => m.Name)).toEqual(["HandlerErrors"]);
    expect(entry).toMatchObject({ service: "budget-recalc", errorCode: "budget.invalid_event", messageId: "m-1", HandlerErrors: 1 });
  });

  it("keeps the bindings of a child logger (the correlation id) on the metric line, and writes service once", () => {
    const { log, raw, entries } = capture();
    emitMetric(log.child({ correlationId: "corr-7" }), "QueueLag", 1500, "Milliseconds");
    expect(entries()[0]).toMatchObject({ correlationId: "corr-7", QueueLag: 1500 });
    expect(raw[0]!.match(/"service":/g)).toHaveLength(1);
  });

  it("never throws for a metric CloudWatch would refuse: it logs a warning instead", () => {
    const { log, entries } = capture();
    expect(() => emitMetric(log, "Broken", Number.NaN)).not.toThrow();
    expect(() => emitMetric(log, "", 1)).not.toThrow();
    expect(entries().filter((e) => e.msg === "metric not emitted")).toHaveLength(2);
    expect(entries().some((e) => "_aws" in e)).toBe(false);
  });

  it("writes nothing for no metrics", () => {
    const { log, entries } = capture();
    emitMetrics(log, []);
    expect(entries()).toHaveLength(0);
  });

  it("writes nothing below info, where the line would not be written, and still warns of a non-finite value", () => {
    const lines: string[] = [];
    const log = createLogger("sync-worker", { level: "warn", destination: { write: (l) => lines.push(l) } });
    emitMetric(log, "SyncDuration", 812, "Milliseconds");
    expect(lines).toEqual([]);
    emitMetric(log, "SyncDuration", Number.NaN, "Milliseconds");
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["metric not emitted"]);
  });
});
