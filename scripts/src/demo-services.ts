import { stackDefinition } from "@expenzez/infra";

/**
 * The services the demo runs, each as its own process. ONE entry per service: add yours here
 * (name, folder, entry file, how many processes, the variables it needs beyond the common ones).
 * An entry whose folder does not exist yet is skipped, so entries can land before the code.
 */

/** What every service process is given, and what the demo knows when it starts them. */
export interface DemoContext {
  /** STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL. */
  common: Record<string, string>;
  truelayer: { authUrl: string; dataUrl: string; clientId: string; clientSecret: string; jwksUrl: string };
  auth: { jwksUrl: string; issuer: string; audience: string };
  webhook: { port: number; resultsSecret: string };
  /** The FCM stand-in: its port and the service-account key file it writes for the dispatcher. */
  fcm: { port: number; url: string; keyFile: string };
}

export interface DemoService {
  /** As in the SERVICES catalogue. */
  name: string;
  /** Folder under services/. */
  dir: string;
  /** Entry file inside the folder, run with tsx. */
  entry: string;
  /** Processes to start (sync workers scale out; the rest run one). */
  instances?: number;
  /** Command-line arguments after the entry file. */
  args?: (ctx: DemoContext) => string[];
  /** Variables beyond `ctx.common`. */
  env?: (ctx: DemoContext) => Record<string, string>;
  /** The queue this service drains (QueueId in the stack definition): the demo waits for it to empty. */
  consumes?: "syncJobs" | "budgetRecalc" | "recurring" | "alertDispatch";
  /** Readiness probe: the demo waits for it before it sends the service anything. */
  healthUrl?: (ctx: DemoContext) => string;
}

export const DEMO_SERVICES: DemoService[] = [
  {
    name: "sync-worker",
    dir: "sync-worker",
    entry: "src/worker.ts",
    instances: 2,
    consumes: "syncJobs",
    env: (ctx) => ({
      TRUELAYER_AUTH_URL: ctx.truelayer.authUrl,
      TRUELAYER_DATA_URL: ctx.truelayer.dataUrl,
      TRUELAYER_CLIENT_ID: ctx.truelayer.clientId,
      TRUELAYER_CLIENT_SECRET: ctx.truelayer.clientSecret,
      // A backfill's older history comes back through the webhook's results callback (async requests).
      TRUELAYER_RESULTS_URL: `http://127.0.0.1:${ctx.webhook.port}/truelayer/results`,
      TRUELAYER_RESULTS_SECRET: ctx.webhook.resultsSecret,
    }),
  },
  {
    name: "scheduler",
    dir: "scheduler",
    entry: "src/worker.ts",
    // A tick every 2 s instead of every minute, so the demo does not wait.
    env: () => ({ SCHEDULER_INTERVAL_SECONDS: "2" }),
  },
  {
    name: "webhook",
    dir: "webhook",
    entry: "src/server.ts",
    env: (ctx) => ({
      AUTH_JWKS_URL: ctx.auth.jwksUrl,
      AUTH_ISSUER: ctx.auth.issuer,
      AUTH_AUDIENCE: ctx.auth.audience,
      TRUELAYER_WEBHOOK_JKUS: ctx.truelayer.jwksUrl,
      TRUELAYER_RESULTS_SECRET: ctx.webhook.resultsSecret,
      // DELETE /v1/connections/{id} revokes the consent at the simulator.
      TRUELAYER_AUTH_URL: ctx.truelayer.authUrl,
      TRUELAYER_DATA_URL: ctx.truelayer.dataUrl,
      TRUELAYER_CLIENT_ID: ctx.truelayer.clientId,
      TRUELAYER_CLIENT_SECRET: ctx.truelayer.clientSecret,
      WEBHOOK_PORT: String(ctx.webhook.port),
    }),
    healthUrl: (ctx) => `http://127.0.0.1:${ctx.webhook.port}/health`,
  },
  {
    name: "fcm-sandbox",
    dir: "fcm-sandbox",
    entry: "src/cli.ts",
    args: (ctx) => ["--port", String(ctx.fcm.port), "--key-file", ctx.fcm.keyFile],
  },
  { name: "budget-recalc", dir: "budget-recalc", entry: "src/worker.ts", consumes: "budgetRecalc" },
  { name: "recurring-detector", dir: "recurring-detector", entry: "src/worker.ts", consumes: "recurring" },
  {
    name: "alert-dispatch",
    dir: "alert-dispatch",
    entry: "src/worker.ts",
    consumes: "alertDispatch",
    env: (ctx) => ({
      FCM_SERVICE_ACCOUNT_FILE: ctx.fcm.keyFile,
      FCM_BASE_URL: ctx.fcm.url,
      ALERTS_FROM_EMAIL: stackDefinition(ctx.common.STAGE ?? "local").email.sender,
      // The demo is short: deferred notifications are looked at every 5 s, not every minute.
      ALERTS_DEFERRED_EVERY_SECONDS: "5",
    }),
  },
];
