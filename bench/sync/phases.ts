// The measured worker's CPU by phase of its jobs (BENCH_CPU_PHASES=1). The handler tells the
// account each phase as it begins (`SyncDeps.phases`); the account charges the process's CPU
// (process.cpuUsage: user + system, every thread) since the last mark to the phase that was
// running. Exact only when one job runs at a time, so run.ts sets the worker's concurrency to 1.
// What runs between one job's last phase and the next one's first (the runtime's delete and
// receive, its timers, idling) is charged to "runtime"; the bench's own IPC and heap probes to
// "bench". Requests are counted in the phase that sends them; GC pauses (main thread, wall time)
// are summed by kind over the run.

import { PerformanceObserver } from "node:perf_hooks";
import { callingThreadCpuMicros, processCpuMicros } from "./threads";

export interface PhaseTotals {
  /** CPU µs charged to each phase (every thread). */
  cpuMicros: Record<string, number>;
  /** Of that, the main thread's (the one running JavaScript), from /proc/thread-self/schedstat; empty off Linux. */
  mainMicros: Record<string, number>;
  /** Wall ms spent in each phase: a phase long in wall time and short in main-thread CPU is waiting. */
  wallMs: Record<string, number>;
  /** Times each phase was entered. */
  entered: Record<string, number>;
  /** Requests sent in each phase, by operation (`DynamoDB.TransactWriteItemsCommand`, `TrueLayer.getBalance`). */
  requests: Record<string, Record<string, number>>;
  /** GC pauses on the main thread by kind: count and wall ms (the bench's forced collections left out). */
  gc: Record<string, { count: number; ms: number }>;
}

/** perf_hooks' NODE_PERFORMANCE_GC_* kinds. */
const GC_KINDS: Record<number, string> = { 1: "minor (scavenge)", 2: "major (mark-compact)", 4: "incremental marking", 8: "weak callbacks" };

export function startPhaseAccount() {
  const totals: PhaseTotals = { cpuMicros: {}, mainMicros: {}, wallMs: {}, entered: {}, requests: {}, gc: {} };
  let current = "runtime";
  let last = processCpuMicros();
  let lastMain = callingThreadCpuMicros();
  let lastWall = performance.now();
  /** Forced collections of the bench's heap probes, by performance.now() window: not the worker's. */
  const probes: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (probes.some((p) => e.startTime >= p.start && e.startTime <= p.end)) continue;
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other";
      const g = totals.gc[kind] ?? { count: 0, ms: 0 };
      g.count++;
      g.ms += e.duration;
      totals.gc[kind] = g;
    }
  });
  observer.observe({ entryTypes: ["gc"] });

  function charge(): void {
    const now = processCpuMicros();
    const main = callingThreadCpuMicros();
    const wall = performance.now();
    totals.cpuMicros[current] = (totals.cpuMicros[current] ?? 0) + now - last;
    if (main !== undefined && lastMain !== undefined) totals.mainMicros[current] = (totals.mainMicros[current] ?? 0) + main - lastMain;
    totals.wallMs[current] = (totals.wallMs[current] ?? 0) + wall - lastWall;
    last = now;
    lastMain = main;
    lastWall = wall;
  }
  function enter(phase: string): void {
    charge();
    current = phase;
    totals.entered[phase] = (totals.entered[phase] ?? 0) + 1;
  }
  return {
    enter,
    /** A request sent now, charged to the running phase. */
    request(operation: string): void {
      const byOp = totals.requests[current] ?? {};
      byOp[operation] = (byOp[operation] ?? 0) + 1;
      totals.requests[current] = byOp;
    },
    /** Runs the bench's own work (IPC answers, heap probes) as phase "bench", then returns to the phase it interrupted. */
    bench<T>(fn: () => T, probe = false): T {
      const was = current;
      enter("bench");
      const start = performance.now();
      try {
        return fn();
      } finally {
        if (probe) probes.push({ start, end: performance.now() });
        enter(was);
        totals.entered[was] = (totals.entered[was] ?? 1) - 1;
      }
    },
    /** The totals so far (the running phase charged up to now); a copy. */
    snapshot(): PhaseTotals {
      charge();
      return structuredClone(totals);
    },
  };
}

export type PhaseAccount = ReturnType<typeof startPhaseAccount>;

/** b − a, phase by phase. */
export function phaseDelta(a: PhaseTotals, b: PhaseTotals): PhaseTotals {
  const sub = (x: Record<string, number>, y: Record<string, number>) =>
    Object.fromEntries(
      Object.keys(y)
        .map((k) => [k, (y[k] ?? 0) - (x[k] ?? 0)])
        .filter(([, v]) => v !== 0),
    );
  return {
    cpuMicros: sub(a.cpuMicros, b.cpuMicros),
    mainMicros: sub(a.mainMicros, b.mainMicros),
    wallMs: sub(a.wallMs, b.wallMs),
    entered: sub(a.entered, b.entered),
    requests: Object.fromEntries(Object.keys(b.requests).map((p) => [p, sub(a.requests[p] ?? {}, b.requests[p] ?? {})])),
    gc: Object.fromEntries(Object.entries(b.gc).map(([k, g]) => [k, { count: g.count - (a.gc[k]?.count ?? 0), ms: g.ms - (a.gc[k]?.ms ?? 0) }])),
  };
}
