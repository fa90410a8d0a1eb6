import { runMain } from "@expenzez/config";
import { startWorker } from "@expenzez/runtime";
import { runDeferredPass } from "./deferred";
import { handleAlertMessage } from "./handler";
import { createAlertRuntime } from "./setup";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/alert-dispatch start`. It also runs the deferred pass on an interval. */
await runMain(async () => {
  const { aws, deps, log, queue, urlOf, config } = await createAlertRuntime();
  const worker = startWorker({
    sqs: aws.sqs,
    queueUrl: await urlOf(queue.name),
    dlqUrl: await urlOf(queue.dlqName),
    visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
    concurrency: config.ALERTS_CONCURRENCY,
    log,
    handler: async (message, context) => {
      const result = await handleAlertMessage(message, { ...deps, log: context.log });
      context.log.info(result, "alert handled");
    },
  });
  // Until the platform's scheduled tasks run it: passes are safe to overlap (each notification is taken conditionally).
  let passing = false;
  const timer =
    config.ALERTS_DEFERRED_EVERY_SECONDS > 0
      ? setInterval(() => {
          if (passing) return;
          passing = true;
          runDeferredPass(deps)
            .catch((err: unknown) => log.error({ err }, "deferred pass failed"))
            .finally(() => {
              passing = false;
            });
        }, config.ALERTS_DEFERRED_EVERY_SECONDS * 1000)
      : undefined;
  log.info({ queue: queue.name, deferredEverySeconds: config.ALERTS_DEFERRED_EVERY_SECONDS }, "alert-dispatch polling");
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      if (timer) clearInterval(timer);
      void worker.stop();
    });
  await worker.done;
});
