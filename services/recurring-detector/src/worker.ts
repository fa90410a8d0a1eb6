import { runMain } from "@expenzez/config";
import { startWorker } from "@expenzez/runtime";
import { handleRecurringMessage } from "./handler";
import { createRecurringRuntime } from "./setup";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/recurring-detector start`. */
await runMain(async () => {
  const { aws, deps, log, queue, urlOf, config } = await createRecurringRuntime();
  const worker = startWorker({
    sqs: aws.sqs,
    queueUrl: await urlOf(queue.name),
    dlqUrl: await urlOf(queue.dlqName),
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    concurrency: config.RECURRING_CONCURRENCY,
    log,
    handler: async (message, context) => {
      await handleRecurringMessage(message, { ...deps, log: context.log });
    },
  });
  log.info({ queue: queue.name }, "recurring-detector polling");
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void worker.stop());
  await worker.done;
});
