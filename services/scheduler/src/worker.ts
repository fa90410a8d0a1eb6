import { setTimeout as sleep } from "node:timers/promises";
import { runMain } from "@expenzez/config";
import { outboxSweep, startTaskHost } from "@expenzez/runtime";
import { createSchedulerRuntime } from "./setup";
import { runTick } from "./tick";

/**
 * The local runtime: a tick every SCHEDULER_INTERVAL_SECONDS until SIGINT/SIGTERM
 * (`pnpm --filter @expenzez/scheduler start`; `-- --once` runs one tick). Several may run on one
 * table: each slot is claimed by a conditional update, so none is queued twice. The same
 * process is the local clock for the platform's outbox sweep (locked per pass, so several
 * schedulers never sweep at once; on AWS its own schedule invokes it).
 */
await runMain(async () => {
  const { config, deps, log } = await createSchedulerRuntime();
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  const once = process.argv.includes("--once");
  const sweepEveryMs = config.OUTBOX_SWEEP_EVERY_SECONDS === undefined ? undefined : { [outboxSweep.name]: config.OUTBOX_SWEEP_EVERY_SECONDS * 1000 };
  const tasks = once ? undefined : await startTaskHost([outboxSweep], sweepEveryMs ? { everyMs: sweepEveryMs } : {});
  log.info({ intervalSeconds: config.SCHEDULER_INTERVAL_SECONDS, once }, "scheduler started");
  while (!stop.signal.aborted) {
    const started = Date.now();
    try {
      await runTick(deps);
    } catch (err) {
      log.error({ err }, "scheduler tick failed; the next tick retries");
    }
    if (once) break;
    await sleep(Math.max(0, config.SCHEDULER_INTERVAL_SECONDS * 1000 - (Date.now() - started)), undefined, { signal: stop.signal }).catch(() => undefined);
  }
  await tasks?.stop();
});
