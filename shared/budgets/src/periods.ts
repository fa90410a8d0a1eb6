import type { BudgetPeriodKind } from "@expenzez/db";
import { DateTime, IANAZone } from "luxon";
import { InvalidPeriodError, InvalidTimeZoneError } from "./errors";

/** The zone of a user who has not chosen one. */
export const DEFAULT_TIME_ZONE = "Europe/London";

/** What decides where a budget's periods start and end. */
export interface PeriodSpec {
  period: BudgetPeriodKind;
  /** Monthly only: the day of the month a period starts (payday to payday); clamped to short months. */
  monthStartDay?: number | undefined;
  /** Custom only: local dates, both inclusive. */
  customRange?: { startDate: string; endDate: string } | undefined;
}

/** `[start, end)` as UTC instants (`2024-03-01T00:00:00.000Z`): the user's local midnights. */
export interface BudgetPeriod {
  start: string;
  end: string;
}

// Upper bound on periods one range may span (5 years of weeks, with room): a guard, not a policy.
const MAX_PERIODS = 400;

/** Throws InvalidTimeZoneError unless `zone` is an IANA zone. */
export function assertTimeZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) throw new InvalidTimeZoneError(zone);
}

function local(instant: string | Date, zone: string): DateTime {
  assertTimeZone(zone);
  const dt = typeof instant === "string" ? DateTime.fromISO(instant, { zone: "utc" }) : DateTime.fromJSDate(instant, { zone: "utc" });
  if (!dt.isValid) throw new InvalidPeriodError(`not an instant: ${String(instant)}`);
  return dt.setZone(zone);
}

/**
 * Local midnight of a calendar date. Where a DST change skips midnight itself (São Paulo until
 * 2019), luxon moves to the first instant that exists, 01:00.
 */
function midnight(year: number, month: number, day: number, zone: string): DateTime {
  return DateTime.fromObject({ year, month, day }, { zone });
}

function toPeriod(start: DateTime, end: DateTime): BudgetPeriod {
  return { start: start.toUTC().toISO() as string, end: end.toUTC().toISO() as string };
}

function monthStart(year: number, month: number, startDay: number, zone: string): DateTime {
  const first = midnight(year, month, 1, zone);
  return midnight(year, month, Math.min(startDay, first.daysInMonth as number), zone);
}

function customBounds(spec: PeriodSpec, zone: string): BudgetPeriod {
  const range = spec.customRange;
  if (!range) throw new InvalidPeriodError("a custom period needs customRange");
  const start = DateTime.fromISO(range.startDate, { zone });
  const lastDay = DateTime.fromISO(range.endDate, { zone });
  if (!start.isValid || !lastDay.isValid || lastDay < start) throw new InvalidPeriodError(`bad custom range ${range.startDate}..${range.endDate}`);
  return toPeriod(start.startOf("day"), lastDay.plus({ days: 1 }).startOf("day"));
}

/**
 * The period of `spec` that holds `instant`, in `zone`; `undefined` for an instant outside a
 * custom period. Weeks start on Monday; months on `monthStartDay` (default the 1st).
 *
 * @example periodContaining({ period: "monthly" }, "2024-03-31T23:30:00Z", "Europe/London")
 * // { start: "2024-03-31T23:00:00.000Z", end: "2024-04-30T23:00:00.000Z" }: 00:30 on 1 April, BST
 */
export function periodContaining(spec: PeriodSpec, instant: string | Date, zone: string): BudgetPeriod | undefined {
  const at = local(instant, zone);
  switch (spec.period) {
    case "weekly": {
      const start = at.startOf("week");
      return toPeriod(start, start.plus({ weeks: 1 }).startOf("day"));
    }
    case "monthly": {
      const day = spec.monthStartDay ?? 1;
      let start = monthStart(at.year, at.month, day, zone);
      if (at < start) {
        const previous = at.minus({ months: 1 });
        start = monthStart(previous.year, previous.month, day, zone);
      }
      const following = start.plus({ months: 1 });
      return toPeriod(start, monthStart(following.year, following.month, day, zone));
    }
    case "quarterly": {
      const start = at.startOf("quarter");
      return toPeriod(start, start.plus({ quarters: 1 }).startOf("day"));
    }
    case "yearly": {
      const start = at.startOf("year");
      return toPeriod(start, start.plus({ years: 1 }).startOf("day"));
    }
    case "custom": {
      const bounds = customBounds(spec, zone);
      const ms = at.toMillis();
      return ms >= Date.parse(bounds.start) && ms < Date.parse(bounds.end) ? bounds : undefined;
    }
  }
}

/**
 * The period after `period` (none after a custom one): it starts where `period` ends. Cut in
 * the same zone that is simply the next one. When the user's zone changed since `period` was cut,
 * the new zone's period holding that instant began before it: if most of that period was counted
 * already (London's March closing in New York, five hours before New York's March ends), the
 * next is the new zone's period after it; else (New York's April closing in London, five hours
 * into London's May) that period itself, in both cases from the instant `period` ended, so no
 * spending is counted twice or left out.
 *
 * @example nextPeriod({ period: "monthly" }, londonMarch, "America/New_York")
 * // { start: "2024-03-31T23:00:00.000Z", end: "2024-05-01T04:00:00.000Z" }: New York's April
 */
export function nextPeriod(spec: PeriodSpec, period: BudgetPeriod, zone: string): BudgetPeriod | undefined {
  if (spec.period === "custom") return undefined;
  const ended = Date.parse(period.end);
  const holding = periodContaining(spec, period.end, zone) as BudgetPeriod;
  const began = Date.parse(holding.start);
  if (began === ended) return holding;
  const mostlyCounted = ended - began > Date.parse(holding.end) - ended;
  const next = mostlyCounted ? (periodContaining(spec, holding.end, zone) as BudgetPeriod) : holding;
  return { start: new Date(ended).toISOString(), end: next.end };
}

/**
 * Every period that overlaps the half-open instant range `[from, to)`, oldest first.
 *
 * @example periodsOverlapping({ period: "weekly" }, { from: "2024-03-30T00:00:00Z", to: "2024-04-02T00:00:00Z" }, "Europe/London") // two weeks
 */
export function periodsOverlapping(spec: PeriodSpec, range: { from: string; to: string }, zone: string): BudgetPeriod[] {
  const to = Date.parse(range.to);
  if (spec.period === "custom") {
    const bounds = customBounds(spec, zone);
    return Date.parse(bounds.start) < to && Date.parse(range.from) < Date.parse(bounds.end) ? [bounds] : [];
  }
  const out: BudgetPeriod[] = [];
  let period = periodContaining(spec, range.from, zone);
  while (period && Date.parse(period.start) < to) {
    out.push(period);
    if (out.length > MAX_PERIODS) throw new InvalidPeriodError(`range ${range.from}..${range.to} spans more than ${MAX_PERIODS} periods`);
    period = nextPeriod(spec, period, zone);
  }
  return out;
}

/**
 * The zone's period `period` is named by and shown as: the one its middle falls in, the one it
 * mostly covers (a custom period: its own dates, cut in `zone`). Cut in `zone`, that is `period`
 * itself; after a change of zone a period is cut in one zone and shown in another, or starts
 * where the old zone's period ended (see `nextPeriod`), and is then within a day of it.
 */
function namedPeriod(spec: PeriodSpec, period: BudgetPeriod, zone: string): BudgetPeriod {
  if (spec.period === "custom") return spec.customRange ? customBounds(spec, zone) : period;
  const middle = new Date((Date.parse(period.start) + Date.parse(period.end)) / 2);
  return periodContaining(spec, middle, zone) as BudgetPeriod;
}

/**
 * The period's local dates as events carry them: the first and last day (inclusive) of the
 * period it is named by (`periodId`), in `zone`. Cut in `zone` those are its own first and last
 * day. After a move they are not: London's March runs from 19:00 on 29 February to 19:00 on 31
 * March in New York, and its own days there would read a day early (29 February to 30 March,
 * for "2024-03"), so it is shown as 1 to 31 March, and the period after it (from 19:00 on 31
 * March) as 1 to 30 April. The instants (`start`, `end`) stay what was counted.
 *
 * @example periodDates({ period: "monthly" }, londonMarch, "America/New_York") // { start: "2024-03-01", end: "2024-03-31" }
 */
export function periodDates(spec: PeriodSpec, period: BudgetPeriod, zone: string): { start: string; end: string } {
  const named = namedPeriod(spec, period, zone);
  return {
    start: local(named.start, zone).toISODate() as string,
    end: local(named.end, zone).minus({ days: 1 }).toISODate() as string,
  };
}

/**
 * A readable, stable id of a period: `2024-03` (calendar month), `2024-W10` (ISO week),
 * `2024-Q1`, `2024`, and the local start date for payday months and custom periods. Named by
 * the zone's period its middle falls in (`namedPeriod`). Its first or last instant would not
 * do: London's March closing in Tokyo ends at 08:00 on Tokyo's 1 April, and would take the name
 * of the period after it.
 */
export function periodId(spec: PeriodSpec, period: BudgetPeriod, zone: string): string {
  const start = local(namedPeriod(spec, period, zone).start, zone);
  switch (spec.period) {
    case "weekly":
      return start.toFormat("kkkk-'W'WW");
    case "monthly":
      return (spec.monthStartDay ?? 1) === 1 ? start.toFormat("yyyy-MM") : (start.toISODate() as string);
    case "quarterly":
      return `${start.year}-Q${start.quarter}`;
    case "yearly":
      return String(start.year);
    case "custom":
      return start.toISODate() as string;
  }
}

/** The instant range `[from, to)` of a range of UTC booking dates, as TransactionsSynced carries it. */
export function utcDateRange(range: { from: string; to: string }): { from: string; to: string } {
  const from = DateTime.fromISO(range.from, { zone: "utc" });
  const to = DateTime.fromISO(range.to, { zone: "utc" }).plus({ days: 1 });
  if (!from.isValid || !to.isValid) throw new InvalidPeriodError(`bad date range ${range.from}..${range.to}`);
  return { from: from.toISO() as string, to: to.toISO() as string };
}
