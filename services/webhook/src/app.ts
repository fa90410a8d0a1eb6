import { randomUUID } from "node:crypto";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { BodyTooLargeError, WebhookError } from "./errors";
import { asyncResults, disconnectNow, refreshNow, truelayerWebhook, type WebhookDeps } from "./handler";

/** How a runtime tells the app the caller's address (the socket in Node, the request context on Lambda). */
export type ClientIp = (c: Context) => string | undefined;

export interface AppOptions {
  clientIp: ClientIp;
  /** Largest body accepted, in bytes (413 beyond). */
  maxBodyBytes?: number;
}

type Env = { Variables: { correlationId: string } };

const CORRELATION_HEADER = "x-correlation-id";

/**
 * The webhook service's HTTP app (Hono), the same for the Node server and the Lambda handler.
 *
 * @example serve({ fetch: createApp(deps, { clientIp }).fetch, port: 8080 })
 */
export function createApp(deps: WebhookDeps, options: AppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;

  // A correlation id per request (the caller's when it sent a sane one), on the response, in every log line and in the job.
  app.use(async (c, next) => {
    const given = c.req.header(CORRELATION_HEADER);
    const correlationId = given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    c.set("correlationId", correlationId);
    const started = performance.now();
    await next();
    c.header(CORRELATION_HEADER, correlationId);
    deps.log.info({ method: c.req.method, path: routeOf(c), status: c.res.status, ms: Math.round(performance.now() - started), correlationId }, "request");
  });

  app.onError((err, c) => {
    const known = err instanceof WebhookError ? err : undefined;
    if (!known) deps.log.error({ err, correlationId: c.get("correlationId") }, "request failed");
    else if (known.status >= 500) deps.log.warn({ err, correlationId: c.get("correlationId") }, known.message);
    if (known?.retryAfterSeconds !== undefined) c.header("Retry-After", String(known.retryAfterSeconds));
    if (known?.status === 401) c.header("WWW-Authenticate", 'Bearer realm="expenzez"');
    return c.json({ error: known?.code ?? "webhook.internal", message: known?.message ?? "internal error" }, known?.status ?? 500);
  });

  app.notFound((c) => c.json({ error: "webhook.not_found", message: "no such route" }, 404));

  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new BodyTooLargeError(maxBodyBytes);
    },
  });

  app.get("/health", (c) => c.json({ status: "ok" }));

  app.post("/v1/connections/:connectionId/refresh", limit, async (c) => {
    const result = await refreshNow(deps, {
      body: await c.req.text(),
      authorization: c.req.header("authorization"),
      connectionId: c.req.param("connectionId"),
      clientIp: normaliseIp(options.clientIp(c)),
      correlationId: c.get("correlationId"),
    });
    return c.json({ jobId: result.jobId, coalesced: result.coalesced }, 202);
  });

  app.delete("/v1/connections/:connectionId", limit, async (c) => {
    const result = await disconnectNow(deps, {
      authorization: c.req.header("authorization"),
      connectionId: c.req.param("connectionId"),
      correlationId: c.get("correlationId"),
    });
    return c.json({ connectionId: result.connectionId, trueLayer: result.trueLayer, disconnected: result.disconnected }, 200);
  });

  app.post("/truelayer/webhooks", limit, async (c) => {
    const result = await truelayerWebhook(deps, {
      path: new URL(c.req.url).pathname,
      headers: c.req.header(),
      body: await c.req.text(),
      correlationId: c.get("correlationId"),
    });
    return c.json(result, 200);
  });

  app.post("/truelayer/results/:secret", limit, async (c) => {
    const result = await asyncResults(deps, { secret: c.req.param("secret"), body: await c.req.text(), correlationId: c.get("correlationId") });
    return c.json(result, 200);
  });

  return app;
}

// Logs name the route, never the results secret in the path.
function routeOf(c: Context): string {
  const path = new URL(c.req.url).pathname;
  return path.startsWith("/truelayer/results/") ? "/truelayer/results/:secret" : path;
}

/** IPv4 clients reach a dual-stack socket as `::ffff:a.b.c.d`; TrueLayer wants the IPv4 form. */
export function normaliseIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.startsWith("::ffff:") && ip.includes(".") ? ip.slice("::ffff:".length) : ip;
}
