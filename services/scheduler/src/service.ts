import { emitMetric } from "@expenzez/logger";
import { defineScheduledTask, type ServiceKit } from "@expenzez/runtime";
import { z } from "zod";
import { runTick, type SchedulerDeps } from "./tick";

/** The scheduler's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const schedulerEnv = z.object({
  /** Back-pressure: enqueue nothing while the sync-jobs queue holds more than this. */
  SCHEDULER_MAX_QUEUE_DEPTH: z.coerce.number().int().positive().default(10_000),
  /** Most connections one tick claims. */
  SCHEDULER_MAX_PER_TICK: z.coerce.number().int().positive().default(5_000),
  /** Local task host only: seconds between ticks (EventBridge Scheduler drives the Lambda on AWS). */
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
  /** Local task host only: seconds between outbox sweeps (default: the catalogue's interval). The fault suite sweeps every few seconds. */
  OUTBOX_SWEEP_EVERY_SECONDS: z.coerce.number().positive().optional(),
});

type SchedulerConfig = z.infer<typeof schedulerEnv>;

/** The tick's dependencies from the kit's clients, repositories and queue URLs. */
export async function schedulerDeps(kit: ServiceKit<SchedulerConfig>): Promise<SchedulerDeps> {
  const { log } = kit;
  return {
    db: kit.db,
    connections: kit.repos.connections,
    sqs: kit.aws.sqs,
    queueUrl: (await kit.queueUrls("syncJobs")).queueUrl,
    relay: kit.relay,
    log,
    maxQueueDepth: kit.config.SCHEDULER_MAX_QUEUE_DEPTH,
    maxPerTick: kit.config.SCHEDULER_MAX_PER_TICK,
    // CloudWatch Embedded Metric Format through the logger: no API call per tick.
    metric: (name, value) => {
      if (value === 0) return;
      emitMetric(log, name, value);
    },
  };
}

/**
 * The scheduler's tick as the platform's scheduled task (the `scheduler` entry of SERVICES:
 * every minute by an EventBridge Scheduler schedule on AWS, the kit's task host locally). Each
 * pass holds the task lock; the per-connection claims still make two overlapping passes (a lock
 * that expired under a slow pass) queue each slot once.
 */
export const schedulerTask = defineScheduledTask({
  name: "scheduler",
  env: schedulerEnv,
  deps: schedulerDeps,
  run: (deps, { log }) => runTick({ ...deps, log }),
});
