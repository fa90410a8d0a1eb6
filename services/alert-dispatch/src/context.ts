import { periodDates, specOf } from "@expenzez/budgets";
import {
  type BudgetAlert,
  budgetAlertId,
  isKnownLocale,
  isKnownTimeZone,
  type NotificationPreferences,
  type NotificationToken,
  notificationPreferencesSchema,
  type UserBudget,
  type UserProfile,
} from "@expenzez/db";
import type { Alert } from "./alert";
import { budgetThresholdWanted } from "./decide";
import { DEFAULT_CURRENCY, DEFAULT_LOCALE, DEFAULT_TIME_ZONE, type DispatchDeps } from "./deps";
import { readUser } from "./user-reads";

/** What the decision and the delivery need to know about the user, read once per notification. */
export interface UserContext {
  preferences: NotificationPreferences;
  profile?: UserProfile;
  /** Active push tokens. */
  tokens: NotificationToken[];
  budgetAlert?: BudgetAlert;
  budget?: UserBudget;
  /** Where the user's clock is read: the quiet hours' zone, else the profile's. */
  timeZone: string;
  /** The zone the user's budget periods are cut in, as budget-recalc cuts them: the profile's, else London. */
  budgetTimeZone: string;
  locale: string;
  currency: string;
}

/**
 * Reads preferences (defaults when the user saved none), profile, devices (through the
 * process's `userReads` cache when there is one), and for a budget alert its BudgetAlert and
 * budget, in parallel. The budget is always read afresh: superseding compares its spending.
 */
export async function loadContext(deps: DispatchDeps, alert: Alert): Promise<UserContext> {
  const { budgets } = deps.repos;
  const [{ preferences: stored, profile, tokens }, budget] = await Promise.all([
    deps.userReads ? deps.userReads.get(alert.userId, () => readUser(deps, alert.userId)) : readUser(deps, alert.userId),
    alert.budget ? budgets.get(alert.userId, alert.budget.budgetId) : Promise.resolve(undefined),
  ]);
  const preferences = stored ?? notificationPreferencesSchema.parse({ userId: alert.userId, updatedAt: new Date(0).toISOString() });
  const budgetTimeZone = usable(profile?.timeZone ?? DEFAULT_TIME_ZONE, DEFAULT_TIME_ZONE, isKnownTimeZone, "timeZone", deps, alert.userId);
  const timeZone = preferences.quietHours?.timeZone ?? budgetTimeZone;
  const locale = usable(profile?.preferences.locale ?? DEFAULT_LOCALE, DEFAULT_LOCALE, isKnownLocale, "locale", deps, alert.userId);
  let budgetAlert: BudgetAlert | undefined;
  if (alert.budget) {
    const periodStart = budget && samePeriod(budget, alert.budget.periodStart, budgetTimeZone) ? budget.currentPeriod.start : alert.budget.periodStart;
    budgetAlert = await deps.repos.budgetAlerts.get(alert.userId, budgetAlertId(alert.budget.budgetId, periodStart, alert.budget.threshold));
  }
  return {
    preferences,
    ...(profile ? { profile } : {}),
    tokens: tokens.filter((t) => t.enabled),
    ...(budgetAlert ? { budgetAlert } : {}),
    ...(budget ? { budget } : {}),
    timeZone,
    budgetTimeZone,
    locale,
    currency: profile?.preferences.currency ?? alert.facts.currency ?? DEFAULT_CURRENCY,
  };
}

/**
 * The profile's value when Intl can write with it, else the default: a profile written before
 * the write rule may hold any text, and a value Intl refuses (Android's `en_GB`, a city for a
 * zone) would make every alert of the user throw on each delivery until it dead-lettered.
 */
function usable(value: string, fallback: string, valid: (v: string) => boolean, field: "timeZone" | "locale", deps: DispatchDeps, userId: string): string {
  if (valid(value)) return value;
  deps.log.warn({ userId, [field]: value }, `profile ${field} is not one Intl knows; using ${fallback}`);
  return fallback;
}

/**
 * Whether the budget's stored current period is the one the event speaks of: the event carries
 * the local dates budget-recalc gives the period (`periodDates`, the days it is named by), so
 * they are worked out the same way here.
 */
export function samePeriod(budget: UserBudget, periodStartDate: string, timeZone: string): boolean {
  return periodDates(specOf(budget), budget.currentPeriod, timeZone).start === periodStartDate || budget.currentPeriod.start.slice(0, 10) === periodStartDate;
}

/**
 * The higher threshold of the same budget period that spending has also passed and the user's
 * options would send: then this alert is superseded by that one (one sync crossing 50, 80 and
 * 100 gives one notification, for 100). The budget's stored spending is read, not the event's,
 * so the answer is the same whichever of the events arrives first.
 */
export function supersedingThreshold(alert: Alert, ctx: UserContext): number | undefined {
  const b = alert.budget;
  const budget = ctx.budget;
  if (!b || !budget || !samePeriod(budget, b.periodStart, ctx.budgetTimeZone)) return undefined;
  const passed = budget.thresholds.filter(
    (t) => t > b.threshold && budget.spentMinor * 100 >= t * budget.limitMinor && budgetThresholdWanted(ctx.preferences, t) === undefined,
  );
  return passed.length ? Math.max(...passed) : undefined;
}
