import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Db, Repositories } from "@expenzez/db";
import { SYNC_JOB_VERSION, type SyncJob, syncJobSchema } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { RetryLater, runOnce } from "@expenzez/runtime";
import { DisconnectNotFoundError, type DisconnectResult, disconnectConnection, RevocationFailedError } from "@expenzez/sync";
import type { TrueLayerClient } from "@expenzez/truelayer";
import { z } from "zod";
import type { BearerVerifier } from "./bearer";
import {
  ConnectionNotFoundError,
  DeliveryInProgressError,
  DisconnectUnavailableError,
  InvalidRequestError,
  QueueUnavailableError,
  RevocationUnavailableError,
  SyncSuspendedError,
  TooSoonError,
  UnauthenticatedError,
} from "./errors";
import type { JobSender } from "./jobs";
import type { TlSignatureVerifier } from "./tl-signature";

/** Everything the three endpoints touch; both runtimes (Node server, Lambda) build one. */
export interface WebhookDeps {
  db: Db;
  repos: Pick<Repositories, "connections">;
  sendJob: JobSender;
  verifyBearer: BearerVerifier;
  verifyTlSignature: TlSignatureVerifier;
  /** Revokes consents for `DELETE /v1/connections/{id}`; absent: that route answers 503. */
  truelayer?: TrueLayerClient;
  /** The secret in our async `webhook_uri` (`/truelayer/results/<secret>`). */
  resultsSecret: string;
  log: Logger;
  /** A completed sync blocks another "refresh now" for this long. */
  refreshCooldownSeconds?: number;
  /** A queued refresh coalesces further requests until a sync completes, or for this long at most. */
  queuedForSeconds?: number;
  now?: () => Date;
}

/** Our ids: anything without `#` (it would make table keys ambiguous). */
export const connectionIdSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^#]+$/, "must not contain #");

/** The app's refresh body: nothing, or an empty object (room to grow without a new route). */
export const refreshBodySchema = z.strictObject({});

/** A signed TrueLayer webhook: the fields we route on; the rest is kept as sent. */
export const tlWebhookSchema = z.looseObject({
  event_id: z.string().min(1).max(256),
  type: z.string().min(1).max(128),
  credentials_id: z.string().min(1).max(256),
});

/** TrueLayer's async-request callback (Data API v1). */
export const asyncResultSchema = z.looseObject({
  request_timestamp: z.string().optional(),
  request_uri: z.url({ protocol: /^https?$/ }).max(4096),
  results_uri: z.url({ protocol: /^https?$/ }).max(2048),
  credentials_id: z.string().min(1).max(256),
  task_id: z.string().min(1).max(256),
  status: z.enum(["Succeeded", "Failed"]),
});

/** Parses JSON text against a schema, or throws InvalidRequestError naming the problem. */
export function parseBody<S extends z.ZodType>(schema: S, text: string, emptyAs?: unknown): z.output<S> {
  let json: unknown = emptyAs;
  if (text.trim() !== "" || emptyAs === undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new InvalidRequestError("body is not JSON");
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidRequestError(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "));
  return parsed.data;
}

export type RefreshResult = { jobId: string; coalesced: boolean };

/**
 * "Refresh now": the caller must own the connection (someone else's is a 404, so ids cannot be
 * probed), at most one job is queued per connection, none within the cool-down after a sync.
 */
export async function refreshNow(
  deps: WebhookDeps,
  input: { authorization: string | undefined; connectionId: string; body: string; clientIp: string | undefined; correlationId: string },
): Promise<RefreshResult> {
  const caller = await deps.verifyBearer(input.authorization);
  // The body carries nothing today; it is still checked, so a bad one is a 400, not ignored.
  parseBody(refreshBodySchema, input.body, {});
  const connectionId = connectionIdSchema.safeParse(input.connectionId);
  if (!connectionId.success) throw new ConnectionNotFoundError(input.connectionId);
  const now = (deps.now ?? (() => new Date()))();
  const id = connectionId.data;
  const jobId = randomUUID();
  const cooldownMs = (deps.refreshCooldownSeconds ?? 60) * 1000;
  // One conditional write under the caller's own user id, no read first: it refuses a connection
  // that is missing, someone else's (not under this user) or not active, and coalesces.
  const refusal = await deps.repos.connections.markRefreshQueued(
    caller.userId,
    id,
    { jobId, at: now.toISOString(), until: new Date(now.getTime() + (deps.queuedForSeconds ?? 300) * 1000).toISOString() },
    new Date(now.getTime() - cooldownMs).toISOString(),
  );
  if (refusal?.reason === "not_active") throw new ConnectionNotFoundError(id);
  if (refusal?.reason === "suspended") throw new SyncSuspendedError(id);
  if (refusal?.reason === "recent") throw new TooSoonError(Math.max(1, Math.ceil((Date.parse(refusal.lastSyncAt) + cooldownMs - now.getTime()) / 1000)));
  if (refusal?.reason === "queued") return { jobId: refusal.jobId, coalesced: true };

  const ip = z.union([z.ipv4(), z.ipv6()]).safeParse(input.clientIp);
  const job: SyncJob = {
    jobId,
    userId: caller.userId,
    connectionId: id,
    reason: "refresh_now",
    requestedAt: now.toISOString(),
    ...(ip.success ? { psuIp: ip.data } : {}),
    correlationId: input.correlationId,
  };
  try {
    await deps.sendJob(job);
  } catch (err) {
    // Not queued after all: let the next request try.
    await deps.repos.connections.clearRefreshQueued(caller.userId, id, jobId).catch(() => undefined);
    throw new QueueUnavailableError({ cause: err });
  }
  deps.log.info({ jobId, userId: caller.userId, connectionId: id, correlationId: input.correlationId, attended: ip.success }, "refresh queued");
  return { jobId, coalesced: false };
}

/**
 * The app's "disconnect this bank": the caller must own the connection (someone else's is a
 * 404), then the shared disconnect revokes the consent at TrueLayer, deletes the stored tokens
 * and drops it from the schedule. Running it again on a disconnected connection is a 200.
 */
export async function disconnectNow(
  deps: WebhookDeps,
  input: { authorization: string | undefined; connectionId: string; correlationId: string },
): Promise<DisconnectResult> {
  const caller = await deps.verifyBearer(input.authorization);
  const connectionId = connectionIdSchema.safeParse(input.connectionId);
  if (!connectionId.success) throw new ConnectionNotFoundError(input.connectionId);
  if (!deps.truelayer) throw new DisconnectUnavailableError();
  try {
    // Looked up under the caller's own user id: another user's connection is simply not there.
    const result = await disconnectConnection(
      { connections: deps.repos.connections, truelayer: deps.truelayer },
      { userId: caller.userId, connectionId: connectionId.data, correlationId: input.correlationId },
      (deps.now ?? (() => new Date()))(),
    );
    deps.log.info(
      { userId: caller.userId, connectionId: connectionId.data, trueLayer: result.trueLayer, correlationId: input.correlationId },
      "connection disconnected",
    );
    return result;
  } catch (err) {
    if (err instanceof DisconnectNotFoundError) throw new ConnectionNotFoundError(connectionId.data);
    if (err instanceof RevocationFailedError) throw new RevocationUnavailableError({ cause: err });
    throw err;
  }
}

export type DeliveryResult = { outcome: "queued"; jobId: string } | { outcome: "duplicate" } | { outcome: "ignored"; reason: string };

/** A job for the connection TrueLayer names, once per delivery id (TrueLayer retries for days). */
async function jobForCredentials(
  deps: WebhookDeps,
  consumer: string,
  deliveryId: string,
  credentialsId: string,
  correlationId: string,
  extra: Pick<SyncJob, "version" | "results"> = {},
): Promise<DeliveryResult> {
  const now = (deps.now ?? (() => new Date()))();
  const queue = async (): Promise<DeliveryResult> => {
    const found = await deps.repos.connections.findByCredentialsId(credentialsId);
    if (!found) return { outcome: "ignored", reason: "no connection has these credentials" };
    // Checked before the send: a job the schema refuses is no queue outage (a 503 TrueLayer retries for days), it is a 400.
    const job = syncJobSchema.safeParse({ ...extra, jobId: randomUUID(), ...found, reason: "webhook", requestedAt: now.toISOString(), correlationId });
    if (!job.success) {
      const issues = job.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
      throw new InvalidRequestError(`the delivery cannot be queued as a sync job (${issues})`);
    }
    const { jobId } = job.data;
    try {
      await deps.sendJob(job.data);
    } catch (err) {
      throw new QueueUnavailableError({ cause: err });
    }
    return { outcome: "queued", jobId };
  };
  const once = await onceWaitingForTwin(deps, consumer, digest(deliveryId), queue);
  return once.replayed ? { outcome: "duplicate" } : once.result;
}

/** How long a delivery waits for a concurrent twin (TrueLayer's retry racing its original) to finish. */
const TWIN_WAIT_MS = 3000;

/**
 * `runOnce` for a delivery that may arrive twice at once (TrueLayer retries a delivery it timed
 * out on while the first is still here). A twin finding the record in progress waits for the
 * other copy instead of failing: it completes → this copy is a duplicate (200); it fails and
 * releases the record → this copy does the work itself. Only a twin still running after
 * TWIN_WAIT_MS is a 503, the one case a retry is really needed.
 */
async function onceWaitingForTwin(deps: WebhookDeps, consumer: string, key: string, fn: () => Promise<DeliveryResult>) {
  const deadline = Date.now() + TWIN_WAIT_MS;
  for (let pause = 25; ; pause = Math.min(pause * 2, 400)) {
    try {
      return await runOnce(deps.db, { consumer, key, now: deps.now }, fn);
    } catch (err) {
      if (!(err instanceof RetryLater && err.code === "runtime.idempotency_in_progress")) throw err;
      if (Date.now() + pause > deadline) throw new DeliveryInProgressError({ cause: err });
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/** A signed TrueLayer webhook: verified first (nothing unverified is even parsed), then mapped to a `webhook` job. */
export async function truelayerWebhook(
  deps: WebhookDeps,
  delivery: { path: string; headers: Record<string, string>; body: string; correlationId: string },
): Promise<DeliveryResult> {
  await deps.verifyTlSignature(delivery);
  const event = parseBody(tlWebhookSchema, delivery.body);
  const result = await jobForCredentials(deps, "webhook-truelayer", event.event_id, event.credentials_id, delivery.correlationId);
  deps.log.info({ eventId: event.event_id, type: event.type, correlationId: delivery.correlationId, ...result }, "truelayer webhook");
  return result;
}

/**
 * TrueLayer's async-results callback. v1 callbacks are unsigned, so the secret in our
 * `webhook_uri` authenticates them (compared in constant time). Each task becomes one v2 `webhook`
 * job carrying the results reference (idempotent on `task_id`): the sync worker fetches
 * `results_uri` from its own TrueLayer host and stores it with the sync's write code, or records
 * a Failed task on the connection.
 */
export async function asyncResults(deps: WebhookDeps, input: { secret: string; body: string; correlationId: string }): Promise<DeliveryResult> {
  if (!secretMatches(input.secret, deps.resultsSecret)) throw new UnauthenticatedError("unknown results callback");
  const result = parseBody(asyncResultSchema, input.body);
  const results = { uri: result.results_uri, taskId: result.task_id, requestUri: withoutWebhookUri(result.request_uri), status: result.status };
  const outcome = await jobForCredentials(deps, "webhook-results", result.task_id, result.credentials_id, input.correlationId, {
    version: SYNC_JOB_VERSION,
    results,
  });
  const line = { taskId: result.task_id, status: result.status, correlationId: input.correlationId, ...outcome };
  if (result.status === "Failed") deps.log.warn(line, "async request failed at TrueLayer");
  else deps.log.info(line, "async results ready");
  return outcome;
}

/** The request as TrueLayer echoes it, minus our `webhook_uri` (it holds the secret; jobs and logs must not). */
export function withoutWebhookUri(requestUri: string): string {
  const url = new URL(requestUri);
  url.searchParams.delete("webhook_uri");
  return url.toString();
}

/** Constant-time equality of two secrets (digests first, so their lengths do not leak either). */
export function secretMatches(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest()) && expected.length > 0;
}

// Delivery ids become key segments; a digest keeps any character out of the key.
function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
