import { ConfigError, runMain } from "@expenzez/config";
import { runQueueWorker, startTaskHost } from "@expenzez/runtime";
import { alertDeferred, alertDispatch, localDeferredEnv } from "./service";

/**
 * The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/alert-dispatch start`.
 * The same process hosts the deferred task on its interval (locked, like the Lambda on AWS);
 * `ALERTS_DEFERRED_EVERY_SECONDS` shortens it for the demo, 0 leaves it to another host.
 */
await runMain(async () => {
  const parsed = localDeferredEnv.safeParse(process.env);
  if (!parsed.success) throw new ConfigError("ALERTS_DEFERRED_EVERY_SECONDS must be a whole number of seconds", ["ALERTS_DEFERRED_EVERY_SECONDS"]);
  const everySeconds = parsed.data.ALERTS_DEFERRED_EVERY_SECONDS;
  const host =
    everySeconds === 0
      ? undefined
      : await startTaskHost([alertDeferred], everySeconds === undefined ? {} : { everyMs: { [alertDeferred.name]: everySeconds * 1000 } });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void host?.stop());
  try {
    await runQueueWorker(alertDispatch);
  } finally {
    await host?.stop();
  }
});
