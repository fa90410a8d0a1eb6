import type { QueueId, StackDefinition } from "./stack-definition";

/**
 * The deployable units of the pipeline, declared once. The service kit in `@expenzez/runtime`
 * looks a service up here by name (its queue, its schedule), the CDK app deploys every entry
 * (function, event source or schedule, environment, grants), and the demo starts each locally.
 * Adding a service is one entry here plus its `services/<folder>` package.
 */

/** What a function may touch; the CDK app grants exactly this and nothing more. */
export interface ServiceAccess {
  /** The single table: `read` (Get/Query/BatchGet) or `readWrite` (plus writes and transactions). */
  table?: "read" | "readWrite";
  /** The data key: `decrypt` to open sealed fields, `encryptDecrypt` to seal them too. */
  key?: "decrypt" | "encryptDecrypt";
  /** PutEvents on the bus (outbox relay and sweep). */
  bus?: boolean;
  /** Queues it sends to (besides its own queue and DLQ, which every queue consumer may send to: deferrals and dead letters). */
  sendTo?: QueueId[];
  /** Queues whose depth it reads (GetQueueAttributes), e.g. for back-pressure. */
  readDepthOf?: QueueId[];
  /** SES SendEmail from the stage's sender identity. */
  sendEmail?: boolean;
}

/** Where a variable's value comes from on AWS; locally every variable is read from the environment. */
export type EnvSource =
  /** A plain value, the same for every stage (e.g. a public base URL). */
  | { value: string }
  /** A Secrets Manager secret, by name: the function gets `<VAR>_SECRET_ID` (the secret's name) and the kit reads it at cold start. */
  | { secret: string }
  /** The public URL of another `http` service deployed with it, plus a path (no leading `/`): known only at deploy. */
  | { urlOf: string; path: string };

/**
 * The variable that names, on AWS, the Secrets Manager secret holding a variable's value (its
 * `SecretId`: the full name, never a partial ARN, which Secrets Manager misreads for a name that
 * ends in a hyphen and six characters).
 *
 * @example secretIdVariable("TRUELAYER_CLIENT_SECRET") // "TRUELAYER_CLIENT_SECRET_SECRET_ID"
 */
export function secretIdVariable(variable: string): string {
  return `${variable}_SECRET_ID`;
}

interface ServiceCommon {
  name: string;
  /** The workspace package that holds the code, e.g. `@expenzez/sync-worker`. */
  package: string;
  /** The Lambda entry, relative to the repository root; it exports `handler`. */
  entry: string;
  /** Service-specific variables and their AWS sources (the base config, STAGE and LOG_LEVEL, is always set). */
  env?: Record<string, EnvSource>;
  access: ServiceAccess;
  /** Lambda limits; defaults 256 MB and the queue's visibility timeout (queue) or 60 s. */
  memoryMb?: number;
  timeoutSeconds?: number;
}

export interface QueueServiceDefinition extends ServiceCommon {
  kind: "queue";
  queue: QueueId;
  /** Records per Lambda invocation. */
  batchSize?: number;
}

export interface ScheduledTaskDefinition extends ServiceCommon {
  kind: "schedule";
  /** How often it runs, in minutes (an EventBridge Scheduler `rate(...)` on AWS, a timer locally). */
  everyMinutes: number;
}

export interface HttpServiceDefinition extends ServiceCommon {
  kind: "http";
}

export type ServiceDefinition = QueueServiceDefinition | ScheduledTaskDefinition | HttpServiceDefinition;

const TRUELAYER_ENV: Record<string, EnvSource> = {
  TRUELAYER_AUTH_URL: { value: "https://auth.truelayer.com" },
  // The Data API v1 base: the client appends /accounts, /cards, /results/…
  TRUELAYER_DATA_URL: { value: "https://api.truelayer.com/data/v1" },
  TRUELAYER_CLIENT_ID: { secret: "truelayer-client-id" },
  TRUELAYER_CLIENT_SECRET: { secret: "truelayer-client-secret" },
};

/**
 * alert-dispatch's variables on AWS (the queue service and its deferred task read the same):
 * the FCM key by reference, FCM's URL as a value. The sender is not a variable: it differs by
 * stage (the stack definition's `email.sender`, the identity `sendEmail` is granted on), so the
 * service reads it from the definition. Nothing it reads is sealed, so it needs no `key` access of
 * its own (the table grant covers the table's encryption).
 */
const ALERTS_ENV: Record<string, EnvSource> = {
  FCM_SERVICE_ACCOUNT_JSON: { secret: "fcm-service-account" },
  FCM_BASE_URL: { value: "https://fcm.googleapis.com" },
};
const ALERTS_ACCESS: ServiceAccess = { table: "readWrite", bus: true, sendEmail: true };

/** Every deployable, by name. The name is also the local process's logger name. */
export const SERVICES = {
  "sync-worker": {
    kind: "queue",
    name: "sync-worker",
    package: "@expenzez/sync-worker",
    entry: "services/sync-worker/src/lambda.ts",
    queue: "syncJobs",
    // One job per invocation: a batch's records run one after another with nothing extending
    // their visibility, and one sync may take most of the timeout (its lease is 0.8 of it).
    batchSize: 1,
    memoryMb: 512,
    env: {
      ...TRUELAYER_ENV,
      // A backfill's older history by TrueLayer's async requests; callbacks reach the webhook (ADR 0046).
      TRUELAYER_RESULTS_URL: { urlOf: "webhook", path: "truelayer/results" },
      TRUELAYER_RESULTS_SECRET: { secret: "truelayer-results-secret" },
    },
    access: { table: "readWrite", key: "encryptDecrypt", bus: true },
  },
  "budget-recalc": {
    kind: "queue",
    name: "budget-recalc",
    package: "@expenzez/budget-recalc",
    entry: "services/budget-recalc/src/lambda.ts",
    queue: "budgetRecalc",
    access: { table: "readWrite", bus: true },
  },
  "recurring-detector": {
    kind: "queue",
    name: "recurring-detector",
    package: "@expenzez/recurring-detector",
    entry: "services/recurring-detector/src/lambda.ts",
    queue: "recurring",
    access: { table: "readWrite", bus: true },
  },
  "recurring-missed": {
    kind: "schedule",
    name: "recurring-missed",
    package: "@expenzez/recurring-detector",
    entry: "services/recurring-detector/src/missed-lambda.ts",
    // Daily: a payment is missed by days, not minutes.
    everyMinutes: 1440,
    access: { table: "readWrite", bus: true },
  },
  "budget-rollover": {
    kind: "schedule",
    name: "budget-rollover",
    package: "@expenzez/budget-recalc",
    entry: "services/budget-recalc/src/rollover-lambda.ts",
    // Periods end at each user's local midnight, which falls on a quarter hour in every zone.
    everyMinutes: 15,
    access: { table: "readWrite", bus: true },
  },
  scheduler: {
    kind: "schedule",
    name: "scheduler",
    package: "@expenzez/scheduler",
    entry: "services/scheduler/src/lambda.ts",
    everyMinutes: 1,
    // Reads and claims connections (never their tokens), queues jobs, announces consent warnings.
    access: { table: "readWrite", bus: true, sendTo: ["syncJobs"], readDepthOf: ["syncJobs"] },
  },
  webhook: {
    kind: "http",
    name: "webhook",
    package: "@expenzez/webhook",
    entry: "services/webhook/src/lambda.ts",
    env: {
      AUTH_JWKS_URL: { value: "https://auth.expenzez.com/.well-known/jwks.json" },
      AUTH_ISSUER: { value: "https://auth.expenzez.com/" },
      AUTH_AUDIENCE: { value: "expenzez-app" },
      TRUELAYER_WEBHOOK_JKUS: { value: "https://webhooks.truelayer.com/.well-known/jwks" },
      TRUELAYER_RESULTS_SECRET: { secret: "truelayer-results-secret" },
      // DELETE /v1/connections/{id} revokes the consent at TrueLayer (the shared disconnect).
      ...TRUELAYER_ENV,
    },
    // Idempotency records and the coalescing mark; the key opens a connection's tokens only to
    // revoke its consent (and seals a pair the revocation's refresh rotated).
    access: { table: "readWrite", key: "encryptDecrypt", sendTo: ["syncJobs"] },
  },
  "outbox-sweep": {
    kind: "schedule",
    name: "outbox-sweep",
    package: "@expenzez/runtime",
    entry: "shared/runtime/src/tasks/outbox-sweep-lambda.ts",
    everyMinutes: 1,
    access: { table: "readWrite", bus: true },
  },
  "alert-dispatch": {
    kind: "queue",
    name: "alert-dispatch",
    package: "@expenzez/alert-dispatch",
    entry: "services/alert-dispatch/src/lambda.ts",
    queue: "alertDispatch",
    batchSize: 5,
    env: ALERTS_ENV,
    access: ALERTS_ACCESS,
  },
  "alert-deferred": {
    kind: "schedule",
    name: "alert-deferred",
    package: "@expenzez/alert-dispatch",
    entry: "services/alert-dispatch/src/deferred-lambda.ts",
    everyMinutes: 1,
    env: ALERTS_ENV,
    access: ALERTS_ACCESS,
  },
} as const satisfies Record<string, ServiceDefinition>;

export type ServiceName = keyof typeof SERVICES;

/**
 * How long the deployed function may run: the entry's `timeoutSeconds`, else its queue's
 * visibility timeout (a queue service) or 60 s. A scheduled task's lock is sized from it too:
 * a pass can never outlive its function.
 */
export function functionTimeoutSeconds(service: ServiceDefinition, def: StackDefinition): number {
  return service.timeoutSeconds ?? (service.kind === "queue" ? def.queues[service.queue].visibilityTimeoutSeconds : 60);
}

/** The definition of one deployable; throws for a name that is not declared. */
export function serviceDefinition(name: string): ServiceDefinition {
  const def = (SERVICES as Record<string, ServiceDefinition>)[name];
  if (!def) throw new Error(`no service named ${name} in SERVICES (shared/resources/src/services.ts)`);
  return def;
}

export function allServices(): ServiceDefinition[] {
  return Object.values(SERVICES as Record<string, ServiceDefinition>);
}
