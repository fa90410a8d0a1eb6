import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Db, Repositories } from "@expenzez/db";
import type { SyncJob } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { RetryLater, runOnce } from "@expenzez/runtime";
import { z } from "zod";
import type { BearerVerifier } from "./bearer";
import { ConnectionNotFoundError, DeliveryInProgressError, InvalidRequestError, QueueUnavailableError, TooSoonError, UnauthenticatedError } from "./errors";
import type { JobSender } from "./jobs";
import type { TlSignatureVerifier } from "./tl-signature";

/** Everything the three endpoints touch; both runtimes (Node server, Lambda) build one. */
export interface WebhookDeps {
  db: Db;
  repos: Pick<Repositories, "connections">;
  sendJob: JobSender;
  verifyBearer: BearerVerifier;
  verifyTlSignature: TlSignatureVerifier;
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
  request_uri: z.string().optional(),
  results_uri: z.url(),
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
  // Read without opening the tokens: the webhook has no business with them (and no decrypt grant).
  const connection = await deps.repos.connections.peek(caller.userId, connectionId.data);
  if (connection?.status !== "active") throw new ConnectionNotFoundError(connectionId.data);

  const jobId = randomUUID();
  const cooldownMs = (deps.refreshCooldownSeconds ?? 60) * 1000;
  const refusal = await deps.repos.connections.markRefreshQueued(
    caller.userId,
    connection.connectionId,
    { jobId, at: now.toISOString(), until: new Date(now.getTime() + (deps.queuedForSeconds ?? 300) * 1000).toISOString() },
    new Date(now.getTime() - cooldownMs).toISOString(),
  );
  if (refusal?.reason === "not_active") throw new ConnectionNotFoundError(connection.connectionId);
  if (refusal?.reason === "recent") throw new TooSoonError(Math.max(1, Math.ceil((Date.parse(refusal.lastSyncAt) + cooldownMs - now.getTime()) / 1000)));
  if (refusal?.reason === "queued") return { jobId: refusal.jobId, coalesced: true };

  const ip = z.union([z.ipv4(), z.ipv6()]).safeParse(input.clientIp);
  const job: SyncJob = {
    jobId,
    userId: caller.userId,
    connectionId: connection.connectionId,
    reason: "refresh_now",
    requestedAt: now.toISOString(),
    ...(ip.success ? { psuIp: ip.data } : {}),
    correlationId: input.correlationId,
  };
  try {
    await deps.sendJob(job);
  } catch (err) {
    // Not queued after all: let the next request try.
    await deps.repos.connections.clearRefreshQueued(caller.userId, connection.connectionId, jobId).catch(() => undefined);
    throw new QueueUnavailableError({ cause: err });
  }
  deps.log.info(
    { jobId, userId: caller.userId, connectionId: connection.connectionId, correlationId: input.correlationId, attended: ip.success },
    "refresh queued",
  );
  return { jobId, coalesced: false };
}

export type DeliveryResult = { outcome: "queued"; jobId: string } | { outcome: "duplicate" } | { outcome: "ignored"; reason: string };

/** A job for the connection TrueLayer names, once per delivery id (TrueLayer retries for days). */
async function jobForCredentials(
  deps: WebhookDeps,
  consumer: string,
  deliveryId: string,
  credentialsId: string,
  correlationId: string,
): Promise<DeliveryResult> {
  const now = (deps.now ?? (() => new Date()))();
  // TrueLayer retries, and retries can overlap: a concurrent twin is a 503 to retry, not a 500.
  const once = await runOnce(deps.db, { consumer, key: digest(deliveryId), now: () => now }, async (): Promise<DeliveryResult> => {
    const found = await deps.repos.connections.findByCredentialsId(credentialsId);
    if (!found) return { outcome: "ignored", reason: "no connection has these credentials" };
    const jobId = randomUUID();
    try {
      await deps.sendJob({ jobId, ...found, reason: "webhook", requestedAt: now.toISOString(), correlationId });
    } catch (err) {
      throw new QueueUnavailableError({ cause: err });
    }
    return { outcome: "queued", jobId };
  }).catch((err: unknown) => {
    if (err instanceof RetryLater && err.code === "runtime.idempotency_in_progress") throw new DeliveryInProgressError({ cause: err });
    throw err;
  });
  return once.replayed ? { outcome: "duplicate" } : once.result;
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
 * `webhook_uri` authenticates them (compared in constant time). A succeeded result becomes a
 * `webhook` job: the sync worker reads the connection's data with the same code as any sync.
 */
export async function asyncResults(deps: WebhookDeps, input: { secret: string; body: string; correlationId: string }): Promise<DeliveryResult> {
  if (!secretMatches(input.secret, deps.resultsSecret)) throw new UnauthenticatedError("unknown results callback");
  const result = parseBody(asyncResultSchema, input.body);
  if (result.status === "Failed") {
    deps.log.warn({ taskId: result.task_id, correlationId: input.correlationId }, "async request failed at TrueLayer");
    return { outcome: "ignored", reason: "the async request failed" };
  }
  const outcome = await jobForCredentials(deps, "webhook-results", result.task_id, result.credentials_id, input.correlationId);
  deps.log.info({ taskId: result.task_id, correlationId: input.correlationId, ...outcome }, "async results ready");
  return outcome;
}

/** Constant-time equality of two secrets (digests first, so their lengths do not leak either). */
export function secretMatches(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest()) && expected.length > 0;
}

// Delivery ids become key segments; a digest keeps any character out of the key.
function digest(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
