import { minorExponent } from "@expenzez/money";
import type { Alert, AlertDetailType } from "./alert";

/** Title and body with `{placeholder}`s (docs/alerts.md lists them). */
export interface Template {
  title: string;
  body: string;
}

/** What the user sees, and where the app opens. */
export interface RenderedNotification {
  title: string;
  body: string;
  deepLink: string;
  /** String values only: FCM's `data` is a map of strings. */
  data: Record<string, string>;
}

export interface RenderContext {
  /** BCP 47 locale, e.g. `en-GB`. */
  locale: string;
  /** The user's IANA zone, for dates. */
  timeZone: string;
  /** Used when the event carries no currency of its own. */
  currency: string;
}

const BUILT_IN: Record<AlertDetailType, Template> = {
  BudgetThresholdCrossed: { title: "{category} budget: {threshold}% used", body: "You've spent {spent} of your {limit} {category} budget." },
  LargeTransactionDetected: { title: "Large payment: {amount}", body: "{amount} at {merchant}." },
  RecurringPaymentDetected: { title: "New {frequency} payment: {merchant}", body: "{merchant} takes {amount} {frequency}; next on {date}." },
  RecurringPaymentPriceChanged: { title: "{merchant} changed its price", body: "{merchant} went from {previousAmount} to {amount}." },
  RecurringPaymentMissed: { title: "{merchant} payment didn't arrive", body: "We expected {amount} to {merchant} on {date}." },
  ConnectionReconnectRequired: { title: "Reconnect {provider}", body: "We can't update your accounts until you reconnect {provider}." },
  ConnectionConsentExpiring: { title: "Bank access ends in {daysLeft} days", body: "Renew access by {date} to keep your accounts up to date." },
  ConnectionSyncFailed: { title: "We can't update your accounts", body: "The last {attempts} updates from your bank failed. We'll keep trying." },
};

/** The summary that stands for notifications folded by the rate limit. */
export const SUMMARY_TEMPLATE: Template = { title: "{count} more alerts", body: "You have {count} more alerts in the app." };

/**
 * An amount in minor units written as the user reads money: `formatAmount(-123456, "GBP", "en-GB")` → "£1,234.56".
 * Signs are dropped: the templates say whether money went out or came in.
 */
export function formatAmount(minor: number, currency: string, locale: string): string {
  const exponent = minorExponent(currency);
  // Display only: the integer is divided once, for Intl; nothing sums this value.
  return new Intl.NumberFormat(locale, { style: "currency", currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
    Math.abs(minor) / 10 ** exponent,
  );
}

export function formatDate(isoDateOrTime: string, locale: string, timeZone: string): string {
  // A bare date is a calendar day: read it at noon UTC so no zone moves it to the day before.
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(isoDateOrTime) ? `${isoDateOrTime}T12:00:00Z` : isoDateOrTime;
  const zone = /^\d{4}-\d{2}-\d{2}$/.test(isoDateOrTime) ? "UTC" : timeZone;
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: zone }).format(new Date(instant));
}

function humanise(name: string): string {
  const words = name.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The placeholder values of an alert, formatted for the user. */
export function placeholders(alert: Alert, ctx: RenderContext): Record<string, string> {
  const p = alert.params;
  const currency = typeof p.currency === "string" ? p.currency : ctx.currency;
  const money = (key: string) => (typeof p[key] === "number" ? formatAmount(p[key], currency, ctx.locale) : undefined);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(p)) out[key] = String(value);
  const formatted: Record<string, string | undefined> = {
    amount: money("amountMinor"),
    previousAmount: money("previousAmountMinor"),
    spent: money("spentMinor"),
    limit: money("limitMinor"),
    category: typeof p.category === "string" ? humanise(p.category) : undefined,
    date: typeof p.date === "string" ? formatDate(p.date, ctx.locale, ctx.timeZone) : undefined,
    threshold: typeof p.threshold === "number" ? String(p.threshold) : undefined,
  };
  for (const [key, value] of Object.entries(formatted)) if (value !== undefined) out[key] = value;
  return out;
}

/** Replaces `{name}`; an unknown name stays as written, so a typo in a user's template shows instead of vanishing. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

export function deepLinkOf(alert: Alert): string {
  const p = alert.params;
  switch (alert.detailType) {
    case "BudgetThresholdCrossed":
      return `expenzez://budgets/${encodeURIComponent(String(p.budgetId))}`;
    case "LargeTransactionDetected":
      return `expenzez://transactions/${encodeURIComponent(String(p.transactionId))}`;
    case "RecurringPaymentDetected":
    case "RecurringPaymentPriceChanged":
    case "RecurringPaymentMissed":
      return `expenzez://subscriptions/${encodeURIComponent(String(p.streamId))}`;
    default:
      return `expenzez://connections/${encodeURIComponent(String(p.connectionId))}/reconnect`;
  }
}

/**
 * The notification of an alert: the BudgetAlert's own template when it has one, else the built-in one.
 *
 * @example render(alert, { locale: "en-GB", timeZone: "Europe/London", currency: "GBP" }).title // "Groceries budget: 80% used"
 */
export function render(alert: Alert, ctx: RenderContext, own?: Template): RenderedNotification {
  const values = placeholders(alert, ctx);
  const template = own ?? BUILT_IN[alert.detailType];
  return {
    title: fill(template.title, values),
    body: fill(template.body, values),
    deepLink: deepLinkOf(alert),
    data: { ...values, type: alert.detailType, eventId: alert.sourceEventId, deepLink: deepLinkOf(alert) },
  };
}

export function renderSummary(count: number): RenderedNotification {
  const values = { count: String(count) };
  return {
    title: fill(SUMMARY_TEMPLATE.title, values),
    body: fill(SUMMARY_TEMPLATE.body, values),
    deepLink: "expenzez://notifications",
    data: { type: "AlertSummary", count: String(count) },
  };
}
