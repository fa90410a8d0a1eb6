import { createHash } from "node:crypto";
import {
  ConditionalCheckFailedError,
  type NotificationDecision,
  type NotificationHistory,
  type NotificationHistoryInput,
  notificationHistoryEntity,
  notificationHistoryExpiry,
  type TransactAction,
  TransactionConditionalCheckFailedError,
  transactWrite,
  txPutNew,
} from "@expenzez/db";
import { bindCorrelationId, emitMetrics } from "@expenzez/logger";
import { relayOutboxRecords } from "@expenzez/runtime";
import { DateTime } from "luxon";
import { type Alert, type AlertEvent, toAlert } from "./alert";
import { loadContext, samePeriod, supersedingThreshold, type UserContext } from "./context";
import { type Decision, decide, foldedByRateLimit, type Priority } from "./decide";
import { type DeliveryStats, deliverAll, retryAt } from "./deliver";
import { DEFAULT_MAX_PER_HOUR, DEFAULT_SEND_LEASE_MS, type DispatchDeps } from "./deps";
import { type DispatchOutcome, dispatchedAction } from "./dispatched-events";
import { render, renderSummary } from "./templates";

export const SUMMARY_DETAIL_TYPE = "AlertSummary";

/** Metrics of the decision step (namespace `expenzez`, dimension `service`). */
export const DISPATCH_METRICS = {
  /** Alerts for a user who does not exist (no profile): acknowledged, nothing written. */
  unknownUser: "AlertsForUnknownUser",
} as const;

/** What happened to one notification in one call. */
export interface DispatchResult {
  notificationId: string;
  outcome: "sent" | "deferred" | "suppressed" | "folded" | "failed" | "retry_scheduled" | "replay" | "in_flight" | "unknown_user";
  reason?: string;
  delivery?: DeliveryStats;
}

/** Deterministic per user and alert: the same alert, from any number of deliveries of any event that carries it, is one notification. */
export function notificationIdOf(alert: Alert): string {
  return `ntf_${createHash("sha256").update(`${alert.userId}\u0000${alert.alertKey}`).digest("hex").slice(0, 32)}`;
}

/** The rate-limit window (a UTC clock hour) an instant falls in. */
export function rateWindow(now: Date): { start: string; end: string } {
  const start = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
  return { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() };
}

function decisionRecord(d: Decision, at: Date): NotificationDecision {
  const outcome = d.outcome === "send" ? "send" : d.outcome === "defer" ? "defer" : "suppress";
  return { at: at.toISOString(), outcome, reason: d.reason, ...(d.outcome === "defer" ? { until: d.until } : {}) };
}

/** The decision for an alert given what is stored now (also used by the deferred pass). */
export function decideNow(alert: Alert, ctx: UserContext, now: Date, deps: DispatchDeps): Decision {
  const consecutive = ctx.budgetAlert?.conditions?.consecutiveDays;
  const waited = consecutive && consecutive > 1 && alert.budget && ctx.budget;
  const stillPast =
    waited && alert.budget && ctx.budget
      ? samePeriod(ctx.budget, alert.budget.periodStart, ctx.budgetTimeZone) && ctx.budget.spentMinor * 100 >= alert.budget.threshold * ctx.budget.limitMinor
      : undefined;
  const superseded = supersedingThreshold(alert, ctx);
  const notBefore = DateTime.fromISO(alert.occurredAt)
    .setZone(ctx.timeZone)
    .startOf("day")
    .plus({ days: (consecutive ?? 1) - 1 });
  return decide({
    alert,
    preferences: ctx.preferences,
    ...(ctx.profile ? { profile: ctx.profile } : {}),
    ...(ctx.budgetAlert ? { budgetAlert: ctx.budgetAlert } : {}),
    ...(superseded !== undefined ? { supersededBy: superseded } : {}),
    // Only once the wait is over does "still past the threshold" decide anything.
    ...(stillPast !== undefined && now.getTime() >= notBefore.toMillis() ? { stillPastThreshold: stillPast } : {}),
    reach: { pushTargets: deps.push ? ctx.tokens.length : 0, emailVerified: Boolean(deps.email && ctx.profile?.emailVerified) },
    timeZone: ctx.timeZone,
    now,
  });
}

function outcomes(
  entry: Pick<NotificationHistory, "userId" | "notificationId" | "sourceEventId" | "correlationId" | "detailType">,
  d: Decision,
): DispatchOutcome[] {
  const base = {
    userId: entry.userId,
    notificationId: entry.notificationId,
    ...(entry.sourceEventId ? { sourceEventId: entry.sourceEventId } : {}),
    ...(entry.correlationId ? { correlationId: entry.correlationId } : {}),
    alertType: entry.detailType,
  };
  const dropped = d.dropped.map((x) => ({ ...base, channel: x.channel, status: "suppressed" as const, reason: x.reason }));
  if (d.outcome === "suppress") return dropped;
  if (d.outcome === "defer")
    return [...d.channels.map((channel) => ({ ...base, channel, status: "deferred" as const, reason: d.reason, deferredUntil: d.until })), ...dropped];
  return dropped;
}

async function commit(deps: DispatchDeps, actions: TransactAction[], events: DispatchOutcome[], now: Date): Promise<void> {
  const built = events.map((e) => dispatchedAction(deps.db, e, now));
  await transactWrite(deps.db.doc, [...actions, ...built.map((b) => b.action)]);
  await relayOutboxRecords(
    deps.relay,
    built.map((b) => b.record),
    deps.outboxDeletes ? { deletes: deps.outboxDeletes } : {},
  ).catch((err: unknown) => deps.log.warn({ err }, "relay failed; the outbox sweep will publish"));
}

/**
 * Turns one event into at most one notification per device and channel: decides (every
 * preference, see `decide`), records the decision in NotificationHistory with its
 * NotificationDispatched events in one transaction, and sends what is due now. A deferred
 * notification waits in the due index for the deferred pass. Replays find the history entry
 * and send nothing.
 */
export async function handleAlertEvent(event: AlertEvent, deps: DispatchDeps): Promise<DispatchResult> {
  const now = deps.now?.() ?? new Date();
  const alert = toAlert(event);
  const notificationId = notificationIdOf(alert);
  const log = bindCorrelationId(deps.log, alert.correlationId).child({ notificationId, userId: alert.userId, detailType: alert.detailType });
  const existing = await deps.repos.notifications.getHistory(alert.userId, notificationId);
  if (existing) {
    log.debug({ status: existing.status }, "notification recorded before: replay sends nothing");
    return { notificationId, outcome: "replay", reason: existing.status };
  }
  let ctx = await loadContext(deps, alert);
  // A cached read may be older than the profile: look again, uncached, before deciding nobody is there.
  if (!ctx.profile && deps.userReads) {
    deps.userReads.forget(alert.userId);
    ctx = await loadContext(deps, alert);
  }
  // Every user has a profile from sign-up: none means the user does not exist (never did, or was
  // erased). Nothing is recorded for them, so an event naming nobody leaves no item behind.
  if (!ctx.profile) {
    emitMetrics(log, [{ name: DISPATCH_METRICS.unknownUser, value: 1, unit: "Count" }], { properties: { detailType: alert.detailType } });
    log.warn("alert for a user who does not exist (no profile): acknowledged, nothing recorded");
    return { notificationId, outcome: "unknown_user" };
  }
  const decision = decideNow(alert, ctx, now, deps);
  const rendered = render(alert, { locale: ctx.locale, timeZone: ctx.timeZone, currency: ctx.currency }, ctx.budgetAlert?.template);
  const lease = deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS;
  const entry: NotificationHistoryInput = {
    userId: alert.userId,
    notificationId,
    detailType: alert.detailType,
    title: rendered.title,
    body: rendered.body,
    deepLink: rendered.deepLink,
    data: rendered.data,
    status: decision.outcome === "send" ? "sending" : decision.outcome === "defer" ? "deferred" : "suppressed",
    sourceEventId: alert.sourceEventId,
    occurredAt: alert.occurredAt,
    ...(alert.correlationId ? { correlationId: alert.correlationId } : {}),
    category: alert.category,
    priority: decision.priority,
    channels: decision.channels,
    reason: decision.reason,
    decisions: [decisionRecord(decision, now)],
    // For a send, the dispatcher's lease: if it dies, the deferred pass resumes after this.
    ...(decision.outcome === "defer"
      ? { deferredUntil: decision.until }
      : decision.outcome === "send"
        ? { deferredUntil: new Date(now.getTime() + lease).toISOString() }
        : {}),
    sourceEvent: JSON.stringify(event),
    createdAt: now.toISOString(),
    expiresAt: notificationHistoryExpiry(now.toISOString()),
  };
  try {
    await commit(deps, [txPutNew(deps.db, notificationHistoryEntity, entry)], outcomes(notificationHistoryEntity.parse(entry), decision), now);
  } catch (err) {
    if (err instanceof TransactionConditionalCheckFailedError || err instanceof ConditionalCheckFailedError) {
      log.debug("another delivery recorded this notification first");
      return { notificationId, outcome: "replay", reason: "concurrent" };
    }
    throw err;
  }
  log.info({ outcome: decision.outcome, reason: decision.reason, channels: decision.channels }, "notification decided");
  if (decision.outcome === "suppress") {
    if (ctx.budgetAlert) await deps.repos.budgetAlerts.markOutcome(alert.userId, ctx.budgetAlert.alertId, "suppressed", now.toISOString());
    return { notificationId, outcome: "suppressed", reason: decision.reason };
  }
  if (decision.outcome === "defer") return { notificationId, outcome: "deferred", reason: decision.reason };
  return sendNow(deps, notificationHistoryEntity.parse(entry), ctx, decision.priority, { rateLimited: true });
}

/**
 * The send step of a notification in status `sending`: the rate limit (unless resuming), the
 * deliveries, and the final status. Shared by the queue handler and the deferred pass.
 */
export async function sendNow(
  deps: DispatchDeps,
  entry: NotificationHistory,
  ctx: UserContext,
  priority: Priority,
  options: { rateLimited: boolean },
): Promise<DispatchResult> {
  const now = deps.now?.() ?? new Date();
  const id = entry.notificationId;
  if (options.rateLimited && entry.detailType !== SUMMARY_DETAIL_TYPE) {
    const window = rateWindow(now);
    const count = await deps.repos.notifications.countInWindow(entry.userId, window.start);
    if (foldedByRateLimit(count, ctx.preferences.maxPerHour ?? deps.maxPerHour ?? DEFAULT_MAX_PER_HOUR, priority)) {
      const summaryId = await ensureSummary(deps, entry.userId, window, now);
      const reason = `rate_limited:folded_into:${summaryId}`;
      const decision: Decision = { outcome: "defer", reason, until: window.end, channels: (entry.channels ?? []) as never, priority, dropped: [] };
      await commit(
        deps,
        [
          deps.repos.notifications.txSetStatus(entry.userId, id, {
            status: "folded",
            expectStatus: "sending",
            decision: { at: now.toISOString(), outcome: "fold", reason },
          }),
        ],
        outcomes(entry, decision),
        now,
      );
      await deps.repos.notifications.countFolded(entry.userId, summaryId);
      return { notificationId: id, outcome: "folded", reason };
    }
  }
  const stats = await deliverAll(deps, entry, ctx, priority);
  if (stats.retry > 0 || stats.inFlight > 0) {
    // Some target must be tried again (or another dispatcher holds it): the due index brings it back.
    const round = entry.attempts.filter((a) => a.outcome === "failed").length + 1;
    // A provider's Retry-After (FCM quota) is a floor: a round before it would only be refused again, and spend a round.
    const until =
      stats.inFlight > 0
        ? new Date(now.getTime() + (deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS)).toISOString()
        : new Date(Math.max(Date.parse(retryAt(now, round)), now.getTime() + stats.retryAfterMs)).toISOString();
    await deps.repos.notifications.setStatus(entry.userId, id, { status: "sending", deferredUntil: until, expectStatus: "sending" });
    return { notificationId: id, outcome: stats.inFlight > 0 ? "in_flight" : "retry_scheduled", delivery: stats };
  }
  const delivered = stats.delivered > 0;
  const finalised = await deps.repos.notifications.setStatus(entry.userId, id, {
    status: delivered ? "delivered" : "failed",
    expectStatus: "sending",
    ...(delivered ? { deliveredAt: now.toISOString() } : {}),
    decision: { at: now.toISOString(), outcome: "send", reason: delivered ? "delivered" : "every_target_failed" },
  });
  if (finalised && delivered && ctx.budgetAlert)
    await deps.repos.budgetAlerts.markOutcome(entry.userId, ctx.budgetAlert.alertId, "dispatched", now.toISOString());
  return { notificationId: id, outcome: delivered ? "sent" : "failed", delivery: stats };
}

/** The one summary of a user's rate-limit window, deferred to the window's end; created by the first fold. */
async function ensureSummary(deps: DispatchDeps, userId: string, window: { start: string; end: string }, now: Date): Promise<string> {
  const summaryId = `sum_${createHash("sha256").update(`${userId}\u0000${window.start}`).digest("hex").slice(0, 32)}`;
  const rendered = renderSummary(0);
  try {
    await deps.repos.notifications.recordHistory({
      userId,
      notificationId: summaryId,
      detailType: SUMMARY_DETAIL_TYPE,
      title: rendered.title,
      body: rendered.body,
      deepLink: rendered.deepLink,
      data: rendered.data,
      status: "deferred",
      deferredUntil: window.end,
      channels: ["push"],
      priority: "normal",
      category: "summary",
      foldedCount: 0,
      reason: "rate_limit_window",
      decisions: [{ at: now.toISOString(), outcome: "defer", reason: "rate_limit_window", until: window.end }],
      createdAt: now.toISOString(),
      expiresAt: notificationHistoryExpiry(now.toISOString()),
    });
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedError)) throw err;
  }
  return summaryId;
}

export { commit as commitDecision, decisionRecord, outcomes as dispatchOutcomes };
