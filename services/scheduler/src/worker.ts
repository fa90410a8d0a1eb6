import { loadConfig, runMain } from "@expenzez/config";
import { createLogger } from "@expenzez/logger";
import { outboxSweep, startHealthServerFromEnv, startTaskHost } from "@expenzez/runtime";
import { schedulerEnv, schedulerTask } from "./service";

/**
 * The local runtime: the kit's task host runs the scheduler's tick every
 * SCHEDULER_INTERVAL_SECONDS until SIGINT/SIGTERM (`pnpm --filter @expenzez/scheduler start`;
 * `-- --once` runs one locked tick and exits). Several may run on one table: each pass holds the
 * task lock and each slot is claimed by a conditional update, so none is queued twice. The same
 * host is the local clock for the platform's outbox sweep (on AWS its own schedule invokes it).
 */
await runMain(async () => {
  const config = loadConfig(process.env, schedulerEnv);
  if (process.argv.includes("--once")) {
    const runtime = await schedulerTask.createRuntime();
    const outcome = await schedulerTask.runOnce(runtime);
    if (!outcome.ran) runtime.kit.log.info({ reason: outcome.reason }, "scheduler tick skipped: another scheduler holds the task lock");
    return;
  }
  const everyMs: Record<string, number> = { [schedulerTask.name]: config.SCHEDULER_INTERVAL_SECONDS * 1000 };
  if (config.OUTBOX_SWEEP_EVERY_SECONDS !== undefined) everyMs[outboxSweep.name] = config.OUTBOX_SWEEP_EVERY_SECONDS * 1000;
  const host = await startTaskHost([schedulerTask, outboxSweep], { everyMs });
  // Liveness, and readiness that fails while the table its passes need cannot be reached (HEALTH_PORT; off by default).
  const health = await startHealthServerFromEnv(process.env, host.ready, createLogger("scheduler", { level: config.LOG_LEVEL }));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void host.stop());
  try {
    await host.done;
  } finally {
    await health?.close();
  }
});
