import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ConfigError } from "@expenzez/config";
import type { Db } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { Env } from "./service-kit";

/** Paths a load balancer, an orchestrator or a person probes. */
export const HEALTH_PATHS = { live: "/health/live", ready: "/health/ready" } as const;
/** A readiness probe that takes longer than this counts as a failure (a hung dependency is not ready). */
const READY_TIMEOUT_MS = 2_000;

/** Throws (any error, its message is the reason) when the process cannot do its work now. */
export type ReadinessCheck = (signal: AbortSignal) => Promise<void>;

export interface HealthServer {
  /** The port bound (the ephemeral one when 0 was asked for). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Where a worker process serves its health endpoint, from `HEALTH_PORT` (and `HEALTH_HOST`,
 * default 127.0.0.1): unset or empty, none (so parallel local processes never collide); `0`, an
 * ephemeral port (logged at start); else that port.
 */
export function healthListenOf(env: Env): { port: number; host: string } | undefined {
  const raw = env.HEALTH_PORT?.trim();
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ConfigError(`HEALTH_PORT must be a port number 0..65535, got ${JSON.stringify(raw)}`, ["HEALTH_PORT"]);
  return { port, host: env.HEALTH_HOST?.trim() || "127.0.0.1" };
}

/**
 * A small HTTP server for probes: `GET /health/live` answers 200 while the process runs (the
 * event loop turns); `GET /health/ready` answers 200 when `ready` passes within two seconds and
 * 503 with the reason when it throws or hangs. `GET /health` is liveness too, like the webhook's.
 * JSON bodies; anything else is 404.
 *
 * @example
 * const health = await startHealthServer({ port: 0, ready: queueReadiness(sqs, queueUrl), log });
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  ready: ReadinessCheck;
  log: Logger;
  timeoutMs?: number;
}): Promise<HealthServer> {
  const timeoutMs = options.timeoutMs ?? READY_TIMEOUT_MS;
  const server = createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, { error: "method not allowed" });
    if (path === HEALTH_PATHS.live || path === "/health") return send(200, { status: "live" });
    if (path !== HEALTH_PATHS.ready) return send(404, { error: "not found" });
    const started = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    const timedOut = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(new Error(`readiness check took longer than ${timeoutMs} ms`)), { once: true }),
    );
    Promise.race([options.ready(signal), timedOut]).then(
      () => send(200, { status: "ready", ms: Math.round(performance.now() - started) }),
      (err: unknown) => {
        const reason = err instanceof Error ? err.message || err.name : String(err);
        options.log.warn({ reason }, "readiness check failed");
        send(503, { status: "not_ready", reason });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Ready when the queue answers GetQueueAttributes (what a consumer's grant allows). */
export function queueReadiness(sqs: SQSClient, queueUrl: string): ReadinessCheck {
  return async (signal) => {
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }), { abortSignal: signal });
  };
}

/** Ready when the table answers a read of `key` (a task host's lock item: the table its passes need). */
export function tableReadiness(db: Db, key: Record<string, string>): ReadinessCheck {
  return async (signal) => {
    await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key }), { abortSignal: signal });
  };
}

/** Starts the health server `env` asks for (see `healthListenOf`), or none. */
export async function startHealthServerFromEnv(env: Env, ready: ReadinessCheck, log: Logger): Promise<HealthServer | undefined> {
  const listen = healthListenOf(env);
  if (!listen) return undefined;
  const server = await startHealthServer({ ...listen, ready, log });
  log.info({ url: server.url, live: HEALTH_PATHS.live, ready: HEALTH_PATHS.ready }, "health endpoint listening");
  return server;
}
