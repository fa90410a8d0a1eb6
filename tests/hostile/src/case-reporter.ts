import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { BOUNDARIES, type Boundary, MIN_CASES_PER_RUN } from "./cases";

/** Where the last run's counts go (untracked); `bench/results/hostile.md` is a committed copy. */
export const REPORT_PATH = join(import.meta.dirname, "..", "..", "..", ".local", "hostile", "report.json");

export interface CaseReport {
  at: string;
  total: number;
  byBoundary: Record<string, number>;
  complete: boolean;
  /** Wall time of the whole run (every file), for the CI budget. */
  durationSeconds: number;
  /** The machine's 1-minute load average when the run ended, and its cores: wall time depends on both. */
  load: { average1m: number; cores: number };
}

/**
 * A vitest reporter: sums the cases each property recorded (`task.meta.hostile`) by boundary,
 * prints them and writes `.local/hostile/report.json`. A run that covered every boundary but
 * generated fewer than MIN_CASES_PER_RUN cases fails.
 */
export default class CaseReporter implements Reporter {
  private startedAt = Date.now();

  onTestRunStart(): void {
    this.startedAt = Date.now();
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byBoundary = new Map<Boundary, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const meta = test.meta().hostile;
        if (meta) byBoundary.set(meta.boundary, (byBoundary.get(meta.boundary) ?? 0) + meta.cases);
      }
    }
    const total = [...byBoundary.values()].reduce((a, b) => a + b, 0);
    const complete = BOUNDARIES.every((b) => byBoundary.has(b));
    const report: CaseReport = {
      at: new Date().toISOString(),
      total,
      byBoundary: Object.fromEntries(BOUNDARIES.filter((b) => byBoundary.has(b)).map((b) => [b, byBoundary.get(b) ?? 0])),
      complete,
      durationSeconds: Math.round((Date.now() - this.startedAt) / 100) / 10,
      load: { average1m: Math.round(loadavg()[0]! * 10) / 10, cores: availableParallelism() },
    };
    mkdirSync(dirname(REPORT_PATH), { recursive: true });
    writeFileSync(REPORT_PATH, `${JSON.stringify(report, null, 2)}\n`);
    const width = Math.max(...BOUNDARIES.map((b) => b.length));
    const lines = Object.entries(report.byBoundary).map(([b, n]) => `  ${b.padEnd(width)}  ${String(n).padStart(7)}`);
    process.stdout.write(
      `\nhostile-input cases by boundary\n${lines.join("\n")}\n  ${"total".padEnd(width)}  ${String(total).padStart(7)}\n  in ${report.durationSeconds} s\n`,
    );
    if (complete && total < MIN_CASES_PER_RUN) {
      process.stdout.write(`hostile-input: ${total} cases is below the ${MIN_CASES_PER_RUN} a run must generate\n`);
      process.exitCode = 1;
    }
  }
}
