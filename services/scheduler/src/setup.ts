import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { createAwsClients } from "@expenzez/aws";
import { loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { z } from "zod";
import type { SchedulerDeps } from "./tick";

/** The scheduler's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const schedulerEnv = z.object({
  /** Back-pressure: enqueue nothing while the sync-jobs queue holds more than this. */
  SCHEDULER_MAX_QUEUE_DEPTH: z.coerce.number().int().positive().default(10_000),
  /** Most connections one tick claims. */
  SCHEDULER_MAX_PER_TICK: z.coerce.number().int().positive().default(5_000),
  /** Local loop only: seconds between ticks (EventBridge Scheduler drives the Lambda on AWS). */
  SCHEDULER_INTERVAL_SECONDS: z.coerce.number().positive().default(60),
  /** Local loop only: seconds between outbox sweeps (default: the catalogue's interval). The fault suite sweeps every few seconds. */
  OUTBOX_SWEEP_EVERY_SECONDS: z.coerce.number().positive().optional(),
});

/** Config, clients and tick deps for both runtimes, from the environment (parsed once). */
export async function createSchedulerRuntime(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env, schedulerEnv);
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("scheduler", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queueUrl = (await aws.sqs.send(new GetQueueUrlCommand({ QueueName: def.queues.syncJobs.name }))).QueueUrl ?? def.queues.syncJobs.name;
  const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias }));
  const deps: SchedulerDeps = {
    db,
    connections: repos.connections,
    sqs: aws.sqs,
    queueUrl,
    relay: { db, events: aws.events, busName: def.bus.name, log },
    log,
    maxQueueDepth: config.SCHEDULER_MAX_QUEUE_DEPTH,
    maxPerTick: config.SCHEDULER_MAX_PER_TICK,
    // CloudWatch Embedded Metric Format: the log driver turns the line into a metric, no API call per tick.
    metric: (name, value) => {
      if (value === 0) return;
      log.info(
        {
          _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: "expenzez/scheduler", Dimensions: [[]], Metrics: [{ Name: name, Unit: "Count" }] }] },
          [name]: value,
        },
        `metric ${name}`,
      );
    },
  };
  return { config, deps, log };
}
