import {
  backoffDelay,
  CLAIM_DONE,
  type DeliveryAttempt,
  type NotificationHistory,
  type NotificationToken,
  type OutboxRecord,
  transactWrite,
} from "@expenzez/db";
import { bindCorrelationId, emitMetrics } from "@expenzez/logger";
import { relayOutboxRecords } from "@expenzez/runtime";
import type { UserContext } from "./context";
import type { Priority } from "./decide";
import { DEFAULT_MAX_ROUNDS, DEFAULT_SEND_LEASE_MS, type DispatchDeps } from "./deps";
import { dispatchedAction } from "./dispatched-events";
import { AlertDispatchError, DeliveryError } from "./errors";
import { type FcmMessage, triesOf } from "./fcm";

/** Metrics of a delivery (namespace `expenzez`, dimensions `service` and `channel`). */
export const ALERT_METRICS = {
  /** From the event's `occurredAt` to the provider accepting the message (deferrals included), ms. */
  latency: "AlertLatency",
} as const;

function emitAlertLatency(deps: DispatchDeps, entry: NotificationHistory, channel: Target["channel"], deliveredAt: string): void {
  if (!entry.occurredAt) return;
  const ms = Date.parse(deliveredAt) - Date.parse(entry.occurredAt);
  if (!Number.isFinite(ms)) return;
  emitMetrics(deps.log, [{ name: ALERT_METRICS.latency, value: Math.max(0, ms), unit: "Milliseconds" }], {
    dimensions: { channel },
    properties: { notificationId: entry.notificationId, detailType: entry.detailType },
  });
}

/** One place a notification goes: a device (push) or the user's address (email). */
export type Target = { channel: "push"; target: string; token: NotificationToken } | { channel: "email"; target: "email"; address: string };

export type TargetOutcome = "delivered" | "failed" | "retry" | "in_flight" | "skipped";

export interface DeliveryStats {
  delivered: number;
  failed: number;
  retry: number;
  inFlight: number;
  /** Stale claims taken over: the one window where the provider may have the message twice. */
  reclaimed: number;
  invalidatedTokens: number;
  /** The longest Retry-After a provider gave a target to be tried again (ms; 0: none): the next round is not sooner. */
  retryAfterMs: number;
}

/** Where a notification on these channels goes for this user. */
export function targetsOf(channels: readonly ("push" | "email")[], ctx: UserContext): Target[] {
  const out: Target[] = [];
  if (channels.includes("push")) for (const token of ctx.tokens) out.push({ channel: "push", target: token.tokenId, token });
  if (channels.includes("email") && ctx.profile?.emailVerified) out.push({ channel: "email", target: "email", address: ctx.profile.email });
  return out;
}

export function fcmMessageOf(entry: NotificationHistory, token: string, priority: Priority): FcmMessage {
  const high = priority === "high" || priority === "critical";
  return {
    token,
    notification: { title: entry.title, body: entry.body },
    data: { ...(entry.data ?? {}), notificationId: entry.notificationId },
    // One collapse key per notification: a resend after a crash replaces, on the device, what it may already show.
    android: { priority: high ? "HIGH" : "NORMAL", collapse_key: entry.notificationId.slice(0, 64), ttl: "86400s" },
    apns: { headers: { "apns-priority": high ? "10" : "5", "apns-collapse-id": entry.notificationId.slice(0, 64) } },
  };
}

/**
 * Delivers one notification to every target not yet done: claim (a conditional write on the
 * history item), send, then record the attempt and its NotificationDispatched in one
 * transaction. A claim found without its attempt and older than the send lease belongs to a
 * dispatcher that died inside the send: it is taken over and counted (`reclaimed`), the one
 * case in which a device may get the message twice.
 */
export async function deliverAll(given: DispatchDeps, entry: NotificationHistory, ctx: UserContext, priority: Priority): Promise<DeliveryStats> {
  // The deferred pass has no message to take the correlation id from: the history item has it.
  const deps = { ...given, log: bindCorrelationId(given.log, entry.correlationId) };
  const stats: DeliveryStats = { delivered: 0, failed: 0, retry: 0, inFlight: 0, reclaimed: 0, invalidatedTokens: 0, retryAfterMs: 0 };
  const targets = targetsOf(entry.channels ?? [], ctx);
  const records: OutboxRecord[] = [];
  const outcomes = await Promise.all(targets.map((t) => deliverOne(deps, entry, t, priority, stats, records)));
  // One relay for every attempt's event: a crash before it leaves them to the outbox sweep.
  await relayOutboxRecords(deps.relay, records, deps.outboxDeletes ? { deletes: deps.outboxDeletes } : {}).catch((err: unknown) =>
    deps.log.warn({ err }, "relay failed; the outbox sweep will publish"),
  );
  for (const o of outcomes) {
    if (o === "delivered") stats.delivered++;
    else if (o === "failed") stats.failed++;
    else if (o === "retry") stats.retry++;
    else if (o === "in_flight") stats.inFlight++;
  }
  return stats;
}

async function deliverOne(
  deps: DispatchDeps,
  entry: NotificationHistory,
  t: Target,
  priority: Priority,
  stats: DeliveryStats,
  records: OutboxRecord[],
): Promise<TargetOutcome> {
  const now = deps.now?.() ?? new Date();
  const lease = deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS;
  const claimKey = `${t.channel}:${t.target}`;
  const held = entry.claims[claimKey];
  if (held === CLAIM_DONE) return outcomeOfDone(entry, t);
  const claimedAt = now.toISOString();
  if (held !== undefined) {
    if (now.getTime() - Date.parse(held) < lease) return "in_flight";
    if (!(await deps.repos.notifications.claimDelivery(entry.userId, entry.notificationId, claimKey, claimedAt, held))) return "in_flight";
    stats.reclaimed++;
    deps.log.warn(
      { notificationId: entry.notificationId, claimKey, claimedAt: held },
      "took over a claim whose dispatcher died inside the send: possible duplicate",
    );
  } else if (!(await deps.repos.notifications.claimDelivery(entry.userId, entry.notificationId, claimKey, claimedAt))) {
    return "in_flight";
  }

  const rounds = entry.attempts.filter((a) => a.channel === t.channel && a.target === t.target && a.outcome === "failed").length + 1;
  let attempt: DeliveryAttempt;
  let release = false;
  try {
    const sent = await send(deps, entry, t, priority);
    attempt = {
      channel: t.channel,
      target: t.target,
      at: (deps.now?.() ?? new Date()).toISOString(),
      outcome: "delivered",
      tries: sent.tries,
      providerMessageId: sent.messageId,
    };
  } catch (err) {
    const de = err instanceof DeliveryError ? err : undefined;
    // A credentials fault (the key, the token endpoint) is ours, not the device's: retried like an outage.
    const code = err instanceof AlertDispatchError ? err.code : "delivery.unexpected";
    attempt = { channel: t.channel, target: t.target, at: (deps.now?.() ?? new Date()).toISOString(), outcome: "failed", tries: triesOf(err), errorCode: code };
    if (de?.details.tokenInvalid && t.channel === "push") {
      await deps.repos.notifications.invalidateToken(entry.userId, t.target, de.details.providerCode ?? code, attempt.at);
      deps.userReads?.forget(entry.userId);
      stats.invalidatedTokens++;
    } else if ((err instanceof AlertDispatchError ? err.retryable : true) && rounds < (deps.maxRounds ?? DEFAULT_MAX_ROUNDS)) {
      release = true;
      stats.retryAfterMs = Math.max(stats.retryAfterMs, de?.details.retryAfterMs ?? 0);
    }
    deps.log.warn({ err, notificationId: entry.notificationId, channel: t.channel, code, rounds, willRetry: release }, "delivery failed");
  }
  const event = dispatchedAction(
    deps.db,
    {
      userId: entry.userId,
      notificationId: entry.notificationId,
      ...(entry.sourceEventId ? { sourceEventId: entry.sourceEventId } : {}),
      ...(entry.correlationId ? { correlationId: entry.correlationId } : {}),
      alertType: entry.detailType,
      channel: t.channel,
      status: attempt.outcome === "delivered" ? "sent" : "failed",
      ...(attempt.errorCode ? { reason: release ? `${attempt.errorCode}:will_retry` : attempt.errorCode } : {}),
    },
    new Date(attempt.at),
  );
  await transactWrite(deps.db.doc, [
    deps.repos.notifications.txRecordAttempt(entry.userId, entry.notificationId, claimKey, claimedAt, attempt, { release }),
    event.action,
  ]);
  records.push(event.record);
  if (attempt.outcome === "delivered") emitAlertLatency(deps, entry, t.channel, attempt.at);
  // Counters are best effort (a token deleted meanwhile is not recreated by the count).
  if (t.channel === "push") await deps.repos.notifications.countTokenDelivery(entry.userId, t.target, attempt.outcome === "delivered", attempt.at);
  return attempt.outcome === "delivered" ? "delivered" : release ? "retry" : "failed";
}

async function send(deps: DispatchDeps, entry: NotificationHistory, t: Target, priority: Priority): Promise<{ messageId: string; tries: number }> {
  if (t.channel === "push") {
    if (!deps.push) throw new DeliveryError("fcm.not_configured", "push is not configured", false);
    if (t.token.provider !== "fcm") throw new DeliveryError("apns.not_configured", "only FCM tokens are served", false);
    return deps.push.send(fcmMessageOf(entry, t.token.token, priority));
  }
  if (!deps.email) throw new DeliveryError("email.not_configured", "email is not configured", false);
  const { messageId } = await deps.email.send(t.address, { title: entry.title, body: entry.body, deepLink: entry.deepLink ?? "", data: entry.data ?? {} });
  return { messageId, tries: 1 };
}

function outcomeOfDone(entry: NotificationHistory, t: Target): TargetOutcome {
  const last = entry.attempts.filter((a) => a.channel === t.channel && a.target === t.target).at(-1);
  return last?.outcome === "delivered" ? "delivered" : "failed";
}

/** When the next round of a send with retryable failures is due. */
export function retryAt(now: Date, round: number): string {
  return new Date(now.getTime() + 30_000 + backoffDelay(round, { baseDelayMs: 30_000, maxDelayMs: 600_000 })).toISOString();
}
