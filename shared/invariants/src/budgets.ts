import type { Item } from "./table";

/**
 * A budget's spend, summed here from the stored transactions with no budgets code: booked,
 * shown, in its category (and subcategories) and currency, not a transfer between own
 * accounts, at an instant in `[currentPeriod.start, currentPeriod.end)`; debits add, credits
 * (refunds) subtract, in integer pence; never below zero.
 */
export function independentSpent(budget: Item, transactions: Item[]): number {
  const period = budget.currentPeriod as { start?: string; end?: string } | undefined;
  if (!period?.start || !period.end) return 0;
  const [from, to] = [Date.parse(period.start), Date.parse(period.end)];
  const category = String(budget.category);
  const subs = Array.isArray(budget.subcategories) ? (budget.subcategories as string[]).map((s) => (s.includes("/") ? s : `${category}/${s}`)) : undefined;
  let net = 0;
  for (const t of transactions) {
    const c = (t.category ?? {}) as { primary?: string; secondary?: string; reason?: string };
    if (c.primary !== category || t.status !== "booked" || t.isHidden === true) continue;
    if (c.secondary === "transfers/own_accounts" || c.reason === "own_transfer") continue;
    if (subs && (!c.secondary || !subs.includes(c.secondary))) continue;
    if (t.currency !== (budget.currency ?? "GBP")) continue;
    const at = Date.parse(String(t.timestamp));
    if (!(at >= from && at < to)) continue;
    const pence = Math.abs(Number(t.amountMinor));
    if (!Number.isSafeInteger(pence)) continue;
    net += t.direction === "debit" ? pence : -pence;
  }
  return Math.max(0, net);
}

/** Local wall-clock of an instant in a zone, as "YYYY-MM-DD HH:MM". */
function localClock(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

/** True when the local day of `at` (a 01:00) began at `at`: the minute before is still the day before. */
function midnightSkipped(at: Date, timeZone: string): boolean {
  return localClock(new Date(at.getTime() - 60_000), timeZone).slice(0, 10) !== localClock(at, timeZone).slice(0, 10);
}

/**
 * Why the budget's period is not cut in the user's zone, or undefined: both ends must be a
 * local midnight there (or the first instant of a day whose midnight a DST change skips, which
 * this check accepts as 01:00). The start may instead be where the newest closed period ended:
 * the first period after the user's zone changed continues from a midnight of the old zone.
 */
export function budgetPeriodMisplaced(budget: Item, timeZone: string): string | undefined {
  const period = budget.currentPeriod as { start?: string; end?: string } | undefined;
  if (!period?.start || !period.end) return "has no current period";
  const history = (Array.isArray(budget.history) ? budget.history : []) as { end?: string }[];
  const lastClosedEnd = Math.max(...history.map((h) => Date.parse(h.end ?? "")).filter(Number.isFinite));
  for (const [name, value] of [
    ["start", period.start],
    ["end", period.end],
  ] as const) {
    if (name === "start" && Date.parse(value) === lastClosedEnd) continue;
    const at = new Date(value);
    const clock = localClock(at, timeZone).slice(11);
    if (clock === "00:00" || (clock === "01:00" && midnightSkipped(at, timeZone))) continue;
    return `period ${name} ${value} is ${clock} in ${timeZone}, not a local midnight`;
  }
  return undefined;
}
