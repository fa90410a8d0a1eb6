import { runMain } from "@expenzez/config";
import { startWorker } from "@expenzez/runtime";
import { handleSyncJob } from "./handler";
import { createSyncRuntime } from "./setup";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/sync-worker start`. */
await runMain(async () => {
  const { aws, deps, log, queueUrl, dlqUrl, visibilityTimeoutSeconds, config } = await createSyncRuntime();
  const worker = startWorker({
    sqs: aws.sqs,
    queueUrl,
    dlqUrl,
    visibilityTimeoutSeconds,
    concurrency: config.SYNC_CONCURRENCY,
    log,
    handler: (message, context) => handleSyncJob(message, { ...deps, log: context.log }),
  });
  log.info({ queueUrl }, "sync worker polling");
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void worker.stop());
  await worker.done;
});
