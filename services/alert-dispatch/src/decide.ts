import type { BudgetAlert, NotificationChannel, NotificationPreferences, UserProfile } from "@expenzez/db";
import { DateTime } from "luxon";
import type { Alert } from "./alert";
import { DEFAULT_CURRENCY } from "./deps";
import { firstMatchingRule } from "./rules";
import { earliestDelivery, type TimingConstraints } from "./schedule";

export type Priority = "low" | "normal" | "high" | "critical";

/** What is known about the user's reachable devices and address when deciding. */
export interface Reachability {
  /** Active push tokens. */
  pushTargets: number;
  /** A verified email address on the profile. */
  emailVerified: boolean;
}

export interface DecisionInput {
  alert: Alert;
  preferences: NotificationPreferences;
  profile?: UserProfile;
  /** The BudgetAlert stored for this (budget, period, threshold), when there is one. */
  budgetAlert?: BudgetAlert;
  /** A higher threshold of the same budget period that is (or will be) notified: this one is superseded. */
  supersededBy?: number;
  /** For a BudgetAlert with `consecutiveDays`, once the wait is over: whether spending is still past the threshold. */
  stillPastThreshold?: boolean;
  reach: Reachability;
  /** The user's zone when the preferences' quiet hours name none. */
  timeZone: string;
  now: Date;
}

export type Decision =
  | { outcome: "send"; reason: string; channels: NotificationChannel[]; priority: Priority; dropped: ChannelDrop[] }
  | { outcome: "defer"; reason: string; until: string; channels: NotificationChannel[]; priority: Priority; dropped: ChannelDrop[] }
  | { outcome: "suppress"; reason: string; channels: []; priority: Priority; dropped: ChannelDrop[] };

/** A channel not used, and why (for NotificationDispatched and the history). */
export interface ChannelDrop {
  channel: NotificationChannel;
  reason: string;
}

const CHANNELS: readonly NotificationChannel[] = ["push", "email"];

/**
 * Whether the user's budget options want a threshold at all: thresholds below `warningThreshold`
 * are not sent, and one of 100% or more only with `exceededAlert`.
 */
export function budgetThresholdWanted(preferences: NotificationPreferences, threshold: number): string | undefined {
  const b = preferences.categories.budgets;
  if (threshold >= 100) return b.exceededAlert ? undefined : "budgets.exceededAlert";
  return threshold >= b.warningThreshold ? undefined : "budgets.warningThreshold";
}

/**
 * The category switch and its options; a reason when they stop the alert. `transactions.threshold`
 * is in `userCurrency` (the profile's, else pounds): a payment in another currency is weighed
 * against it only when there is nothing to weigh (a threshold of 0), since the pipeline has no
 * exchange rate and ¥50,000 is not £500.
 */
export function categoryGate(alert: Alert, preferences: NotificationPreferences, userCurrency: string): string | undefined {
  const categories = preferences.categories;
  if (!categories[alert.category].enabled) return `category_disabled:${alert.category}`;
  if (alert.category === "transactions" && alert.detailType === "LargeTransactionDetected") {
    const t = categories.transactions;
    const amount = alert.facts.amountMinor ?? 0;
    if (amount > 0 && !t.includeDeposits) return "transactions.includeDeposits";
    if (amount < 0 && !t.includeWithdrawals) return "transactions.includeWithdrawals";
    if (t.threshold > 0 && alert.facts.currency !== userCurrency) return `transactions.threshold_currency:${alert.facts.currency}`;
    if (Math.abs(amount) < t.threshold) return "transactions.threshold";
  }
  if (alert.budget) return budgetThresholdWanted(preferences, alert.budget.threshold);
  return undefined;
}

/**
 * When an alert may reach the user: quiet hours (unless it is urgent security and the user
 * allows that), and the BudgetAlert's consecutiveDays, daysOfWeek and timeOfDay. Used by the
 * decision and by every later send of it (a retry round, a resumed send), so none of them lands
 * in quiet hours.
 */
export function timingConstraints(
  alert: Alert,
  preferences: NotificationPreferences,
  budgetAlert: BudgetAlert | undefined,
  timeZone: string,
): TimingConstraints {
  const quiet = preferences.quietHours;
  const quietApplies = quiet?.enabled && !(alert.urgent && quiet.allowUrgentSecurity);
  const conditions = budgetAlert?.conditions;
  const zone = quiet?.timeZone ?? timeZone;
  return {
    timeZone: zone,
    ...(quietApplies && quiet ? { quietHours: { start: quiet.start, end: quiet.end } } : {}),
    ...(conditions?.timeOfDay ? { allowedWindow: conditions.timeOfDay } : {}),
    ...(conditions?.daysOfWeek ? { daysOfWeek: conditions.daysOfWeek } : {}),
    ...(conditions?.consecutiveDays && conditions.consecutiveDays > 1
      ? {
          notBefore: DateTime.fromISO(alert.occurredAt, { zone })
            .startOf("day")
            .plus({ days: conditions.consecutiveDays - 1 })
            .toUTC()
            .toISO() as string,
        }
      : {}),
  };
}

function suppress(reason: string, priority: Priority, dropped: ChannelDrop[] = CHANNELS.map((channel) => ({ channel, reason }))): Decision {
  return { outcome: "suppress", reason, channels: [], priority, dropped };
}

/**
 * Decides what happens to one alert, in the order documented in docs/alerts.md:
 * 1 marketing never; 2 `globalEnabled`; 3 the event's own gate (failure streak) and coalescing
 * (a higher threshold of the same sync supersedes); 4 BudgetAlert `isActive`; 5 custom rules
 * (first match in rule order: `dont_notify` stops, `notify` skips step 6); 6 category switch and
 * options; 7 BudgetAlert `minimumAmount`; 8 channels (preferences, profile switches, BudgetAlert
 * `deliveryMethods`, then reachability); 9 timing (BudgetAlert consecutiveDays / daysOfWeek /
 * timeOfDay, then quiet hours unless an urgent security alert is allowed through) → defer until
 * the first allowed instant. The rate limit comes after, in the dispatcher (it needs a counter).
 */
export function decide(input: DecisionInput): Decision {
  const { alert, preferences, profile, budgetAlert } = input;
  const priority: Priority = budgetAlert?.priority ?? (alert.urgent ? "high" : "normal");

  if (alert.category === "marketing") return suppress("marketing_never_sent", priority);
  if (!preferences.globalEnabled) return suppress("global_disabled", priority);
  if (alert.eventGate) return suppress(alert.eventGate, priority);
  if (input.supersededBy !== undefined) return suppress(`superseded_by_threshold:${input.supersededBy}`, priority);
  if (budgetAlert && !budgetAlert.isActive) return suppress("budget_alert.inactive", priority);

  const rule = firstMatchingRule(preferences.customRules, alert.facts);
  if (rule?.action === "dont_notify") return suppress(`custom_rule:${rule.ruleId}`, priority);
  if (!rule) {
    const gate = categoryGate(alert, preferences, profile?.preferences.currency ?? DEFAULT_CURRENCY);
    if (gate) return suppress(gate, priority);
  }
  const minimum = budgetAlert?.conditions?.minimumAmount;
  if (minimum !== undefined && (alert.budget?.spentMinor ?? 0) < minimum) return suppress("budget_alert.minimumAmount", priority);
  if (input.stillPastThreshold === false) return suppress("budget_alert.consecutiveDays_not_met", priority);

  const dropped: ChannelDrop[] = [];
  const channels = CHANNELS.filter((channel) => {
    const why = !preferences.channels[channel]
      ? `channel_disabled:${channel}`
      : profile && !profile.preferences.notifications[channel]
        ? `profile_channel_disabled:${channel}`
        : budgetAlert?.deliveryMethods && !budgetAlert.deliveryMethods.includes(channel)
          ? `budget_alert.deliveryMethods:${channel}`
          : channel === "push" && input.reach.pushTargets === 0
            ? "no_active_device"
            : channel === "email" && !input.reach.emailVerified
              ? "email_not_verified"
              : undefined;
    if (why) dropped.push({ channel, reason: why });
    return !why;
  });
  if (channels.length === 0) return suppress("no_channel", priority, dropped);

  const reasonOf = rule ? `custom_rule:${rule.ruleId}` : "preferences_allow";
  const now = DateTime.fromJSDate(input.now, { zone: "utc" });
  const timing = earliestDelivery(now, timingConstraints(alert, preferences, budgetAlert, input.timeZone));
  if (timing.reason && timing.at.toMillis() === now.toMillis()) return suppress(`never_deliverable:${timing.reason}`, priority);
  if (timing.reason) return { outcome: "defer", reason: timing.reason, until: timing.at.toISO() as string, channels, priority, dropped };
  return { outcome: "send", reason: reasonOf, channels, priority, dropped };
}

/** Whether a notification over the hourly limit is folded into the summary (high and critical ones never are). */
export function foldedByRateLimit(countInWindow: number, maxPerHour: number, priority: Priority): boolean {
  return countInWindow > maxPerHour && priority !== "high" && priority !== "critical";
}
