import { runMain } from "@expenzez/config";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "./app";
import { createWebhookRuntime } from "./setup";

/** The Node runtime (laptop, CI, a container behind a load balancer): `pnpm --filter @expenzez/webhook start`. */
await runMain(async () => {
  const { config, deps, log } = await createWebhookRuntime();
  const app = createApp(deps, { clientIp: (c) => getConnInfo(c).remote.address, maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES });
  const server = serve({ fetch: app.fetch, port: config.WEBHOOK_PORT, hostname: config.WEBHOOK_HOST }, (info) => {
    log.info({ url: `http://${config.WEBHOOK_HOST}:${info.port}` }, "webhook listening");
  });
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => server.close(() => resolve()));
  });
});
