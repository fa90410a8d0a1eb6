import { runMain } from "@expenzez/config";
import { startWorker } from "@expenzez/runtime";
import { handleBudgetEvent } from "./handler";
import { createBudgetRuntime } from "./setup";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/budget-recalc start`. */
await runMain(async () => {
  const { aws, deps, log, queue, urlOf, config } = await createBudgetRuntime();
  const worker = startWorker({
    sqs: aws.sqs,
    queueUrl: await urlOf(queue.name),
    dlqUrl: await urlOf(queue.dlqName),
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    concurrency: config.BUDGET_RECALC_CONCURRENCY,
    log,
    handler: async (message, context) => {
      await handleBudgetEvent(message, { ...deps, log: context.log });
    },
  });
  log.info({ queue: queue.name }, "budget-recalc polling");
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void worker.stop());
  await worker.done;
});
