import fc from "fast-check";

/** The boundaries the suite fuzzes; the reporter prints generated cases per boundary. */
export const BOUNDARIES = [
  "truelayer-schemas",
  "truelayer-client",
  "sync-worker-bank-data",
  "webhook-jwt",
  "webhook-tl-signature",
  "webhook-http",
  "sqs-classify-failure",
  "sqs-sync-job",
  "dlq-sync-worker",
  "dlq-budget-recalc",
  "dlq-recurring-detector",
  "dlq-alert-dispatch",
  "eventbridge-budget-recalc",
  "eventbridge-recurring-detector",
  "eventbridge-alert-dispatch",
  "cli-categorise",
  "cli-detect-recurring",
  "cli-ops",
  "cli-ops-table",
] as const;
export type Boundary = (typeof BOUNDARIES)[number];

/** Every full run generates at least this many cases across the boundaries (issue 13). */
export const MIN_CASES_PER_RUN = 10_000;

declare module "vitest" {
  interface TaskMeta {
    /** Cases a property generated, and at which boundary (read by the case reporter). */
    hostile?: { boundary: Boundary; cases: number };
  }
}

/**
 * `HOSTILE_SCALE` multiplies every property's runs (e.g. 10 for a long local hunt);
 * `HOSTILE_SEED` replays a failing run (fast-check prints the seed and path of a failure).
 */
export function runs(base: number): number {
  const scale = Number(process.env.HOSTILE_SCALE ?? "1");
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

function seed(): number | undefined {
  const s = process.env.HOSTILE_SEED;
  return s ? Number(s) : undefined;
}

type AnyProperty = fc.IRawProperty<unknown, boolean>;

/**
 * Runs a fast-check property, records how many cases it generated on the test (for the
 * reporter) and fails the test with fast-check's report (seed, counterexample) when it fails.
 *
 * @example await check(task, "webhook-jwt", fc.asyncProperty(arb, async (x) => { ... }), runs(2000));
 */
export async function check(task: { meta: { hostile?: { boundary: Boundary; cases: number } } }, boundary: Boundary, property: AnyProperty, numRuns: number) {
  const s = seed();
  const details = await fc.check(property as fc.IAsyncPropertyWithHooks<unknown>, { numRuns, ...(s !== undefined ? { seed: s } : {}) });
  task.meta.hostile = { boundary, cases: (task.meta.hostile?.cases ?? 0) + details.numRuns };
  if (details.failed) {
    // The report names the seed and the shrunk counterexample; the cause says what went wrong.
    const cause = details.errorInstance;
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    throw new Error(`${fc.defaultReportMessage(details) ?? "property failed"}\n${why}`, { cause });
  }
}

/** Records cases generated outside `check` (e.g. a batch of lines sent to one CLI process). */
export function record(task: { meta: { hostile?: { boundary: Boundary; cases: number } } }, boundary: Boundary, cases: number): void {
  task.meta.hostile = { boundary, cases: (task.meta.hostile?.cases ?? 0) + cases };
}
