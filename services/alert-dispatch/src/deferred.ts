import { type NotificationHistory, notificationPreferencesSchema } from "@expenzez/db";
import { DateTime } from "luxon";
import { type AlertEvent, isAlertDetailType, toAlert } from "./alert";
import { loadContext, type UserContext } from "./context";
import { type Decision, type Priority, timingConstraints } from "./decide";
import { DEFAULT_SEND_LEASE_MS, DEFAULT_TIME_ZONE, type DispatchDeps } from "./deps";
import { commitDecision, type DispatchResult, decideNow, decisionRecord, dispatchOutcomes, SUMMARY_DETAIL_TYPE, sendNow } from "./dispatch";
import { UnroutableEventError } from "./errors";
import { earliestDelivery } from "./schedule";
import { renderSummary } from "./templates";

export interface DeferredPassStats {
  due: number;
  /** Taken by another pass between the read and the take. */
  skipped: number;
  results: Record<DispatchResult["outcome"], number>;
}

/**
 * The scheduled pass: every notification in the due index whose time has come — deferred ones
 * (quiet hours over, a BudgetAlert's window open, a rate-limit summary's hour ended, a retry
 * due) and sends whose dispatcher died (lease over). Each is taken with a conditional write on
 * its status and due time, so two passes never handle one; a deferred one is decided again
 * with the preferences as they are now, so a user who turned alerts off in the night gets none.
 */
export async function runDeferredPass(deps: DispatchDeps, options: { limitPerShard?: number } = {}): Promise<DeferredPassStats> {
  const now = deps.now?.() ?? new Date();
  const stats: DeferredPassStats = {
    due: 0,
    skipped: 0,
    results: { sent: 0, deferred: 0, suppressed: 0, folded: 0, failed: 0, retry_scheduled: 0, replay: 0, in_flight: 0, unknown_user: 0 },
  };
  for (let shard = 0; shard < deps.repos.notifications.dueShards; shard++) {
    let cursor: string | undefined;
    let read = 0;
    do {
      const page = await deps.repos.notifications.listDue(shard, now.toISOString(), { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const due of page.items) {
        stats.due++;
        try {
          const result = await processDue(deps, due.userId, due.notificationId, now);
          if (result) stats.results[result.outcome]++;
          else stats.skipped++;
        } catch (err) {
          // One notification must not hold up the rest; it stays due and the next pass tries again.
          deps.log.error({ err, notificationId: due.notificationId }, "deferred notification failed; left for the next pass");
        }
      }
      read += page.items.length;
      cursor = page.cursor;
    } while (cursor && read < (options.limitPerShard ?? 1000));
  }
  // A scheduled run may be frozen once it returns: its batched outbox deletes go now.
  await deps.outboxDeletes?.flush();
  if (stats.due) deps.log.info(stats, "deferred pass");
  return stats;
}

async function processDue(deps: DispatchDeps, userId: string, notificationId: string, now: Date): Promise<DispatchResult | undefined> {
  const entry = await deps.repos.notifications.getHistory(userId, notificationId);
  if (!entry || (entry.status !== "deferred" && entry.status !== "sending") || !entry.deferredUntil) return undefined;
  if (Date.parse(entry.deferredUntil) > now.getTime()) return undefined;
  const lease = new Date(now.getTime() + (deps.sendLeaseMs ?? DEFAULT_SEND_LEASE_MS)).toISOString();
  const taken = await deps.repos.notifications.setStatus(userId, notificationId, {
    status: "sending",
    deferredUntil: lease,
    expectStatus: entry.status,
    expectDeferredUntil: entry.deferredUntil,
  });
  if (!taken) return undefined;
  const sending: NotificationHistory = { ...entry, status: "sending", deferredUntil: lease };

  if (entry.detailType === SUMMARY_DETAIL_TYPE) return sendSummary(deps, sending, now);
  const event = parseSourceEvent(entry);
  const alert = toAlert(event);
  const ctx = await loadContext(deps, alert);
  const priority = (entry.priority ?? "normal") as Priority;
  // A send whose dispatcher died (or a retry round) carries on with the channels decided before,
  // once quiet hours and the BudgetAlert's window allow it: a round due inside them waits.
  if (entry.status === "sending") {
    const timing = earliestDelivery(DateTime.fromJSDate(now, { zone: "utc" }), timingConstraints(alert, ctx.preferences, ctx.budgetAlert, ctx.timeZone));
    if (timing.reason && timing.at.toMillis() > now.getTime()) return holdSend(deps, sending, timing.reason, timing.at.toISO() as string, priority, now);
    return sendNow(deps, sending, ctx, priority, { rateLimited: false });
  }

  const decision = decideNow(alert, ctx, now, deps);
  return applyDecision(deps, sending, ctx, decision, now);
}

/** A send in progress whose next round falls where it may not be delivered: it stays `sending`, due when it may. */
async function holdSend(deps: DispatchDeps, entry: NotificationHistory, reason: string, until: string, priority: Priority, now: Date): Promise<DispatchResult> {
  const decision: Decision = { outcome: "defer", reason, until, channels: (entry.channels ?? []) as never, priority, dropped: [] };
  await commitDecision(
    deps,
    [
      deps.repos.notifications.txSetStatus(entry.userId, entry.notificationId, {
        status: "sending",
        deferredUntil: until,
        expectStatus: "sending",
        decision: decisionRecord(decision, now),
      }),
    ],
    dispatchOutcomes(entry, decision),
    now,
  );
  return { notificationId: entry.notificationId, outcome: "deferred", reason };
}

async function applyDecision(deps: DispatchDeps, entry: NotificationHistory, ctx: UserContext, decision: Decision, now: Date): Promise<DispatchResult> {
  const id = entry.notificationId;
  if (decision.outcome === "send") {
    await deps.repos.notifications.setStatus(entry.userId, id, {
      status: "sending",
      deferredUntil: entry.deferredUntil,
      expectStatus: "sending",
      decision: decisionRecord(decision, now),
      ...(entry.detailType === SUMMARY_DETAIL_TYPE ? { text: { title: entry.title, body: entry.body } } : {}),
    });
    return sendNow(deps, { ...entry, channels: decision.channels }, ctx, decision.priority, { rateLimited: true });
  }
  const change =
    decision.outcome === "defer"
      ? { status: "deferred" as const, deferredUntil: decision.until, expectStatus: "sending" as const, decision: decisionRecord(decision, now) }
      : { status: "suppressed" as const, expectStatus: "sending" as const, decision: decisionRecord(decision, now) };
  await commitDecision(deps, [deps.repos.notifications.txSetStatus(entry.userId, id, change)], dispatchOutcomes(entry, decision), now);
  if (decision.outcome === "suppress" && ctx.budgetAlert)
    await deps.repos.budgetAlerts.markOutcome(entry.userId, ctx.budgetAlert.alertId, "suppressed", now.toISOString());
  return { notificationId: id, outcome: decision.outcome === "defer" ? "deferred" : "suppressed", reason: decision.reason };
}

/** A rate-limit summary: push only, to the user's devices, after quiet hours like anything else; no summary when alerts are off. */
async function sendSummary(deps: DispatchDeps, entry: NotificationHistory, now: Date): Promise<DispatchResult> {
  const [prefs, profile, tokens] = await Promise.all([
    deps.repos.notifications.getPreferences(entry.userId),
    deps.repos.profiles.get(entry.userId),
    deps.repos.notifications.listTokens(entry.userId),
  ]);
  const active = tokens.filter((t) => t.enabled);
  const timeZone = prefs?.quietHours?.timeZone ?? profile?.timeZone ?? DEFAULT_TIME_ZONE;
  const base = { channels: ["push" as const], priority: "normal" as const, dropped: [] };
  let decision: Decision;
  if (prefs && !prefs.globalEnabled) decision = { ...base, outcome: "suppress", reason: "global_disabled", channels: [] };
  else if (!deps.push || active.length === 0) decision = { ...base, outcome: "suppress", reason: "no_channel", channels: [] };
  else {
    const quiet = prefs?.quietHours?.enabled ? prefs.quietHours : undefined;
    const t = earliestDelivery(DateTime.fromJSDate(now, { zone: "utc" }), { timeZone, ...(quiet ? { quietHours: quiet } : {}) });
    decision = t.reason
      ? { ...base, outcome: "defer", reason: t.reason, until: t.at.toISO() as string }
      : { ...base, outcome: "send", reason: "rate_limit_window_ended" };
  }
  const ctx: UserContext = {
    preferences: prefs ?? notificationPreferencesSchema.parse({ userId: entry.userId, updatedAt: now.toISOString() }),
    ...(profile ? { profile } : {}),
    tokens: active,
    timeZone,
    budgetTimeZone: timeZone,
    locale: "en-GB",
    currency: "GBP",
  };
  if (decision.outcome !== "send") return applyDecision(deps, entry, ctx, decision, now);
  const rendered = renderSummary(entry.foldedCount ?? 0);
  return applyDecision(deps, { ...entry, title: rendered.title, body: rendered.body, data: rendered.data }, ctx, decision, now);
}

function parseSourceEvent(entry: NotificationHistory): AlertEvent {
  const parsed = entry.sourceEvent ? (JSON.parse(entry.sourceEvent) as { detailType?: string }) : undefined;
  if (!parsed?.detailType || !isAlertDetailType(parsed.detailType))
    throw new UnroutableEventError(`history ${entry.notificationId} holds no event to decide from`);
  return parsed as AlertEvent;
}
