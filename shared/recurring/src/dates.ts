import { InvalidInputError } from "./errors";

/**
 * Calendar days as integers (days since 1970-01-01), so cadence arithmetic is exact and never
 * depends on the host's time zone or on daylight saving.
 */
export type Day = number;

const MS_PER_DAY = 86_400_000;
const DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * The booking day of a timestamp as the bank wrote it: `2024-03-29T00:00:00+01:00` is the 29th,
 * not the 28th in UTC. A date alone (`2024-03-29`) is read the same way.
 */
export function dayOf(timestamp: string): Day {
  const m = DATE_PREFIX.exec(timestamp);
  if (!m) throw new InvalidInputError(`not an ISO date: ${timestamp}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new InvalidInputError(`not a calendar date: ${timestamp}`);
  return ms / MS_PER_DAY;
}

export function dayFromParts(year: number, month1: number, dom: number): Day {
  return Date.UTC(year, month1 - 1, dom) / MS_PER_DAY;
}

/** `YYYY-MM-DD` of a day. */
export function isoDay(day: Day): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface DayParts {
  year: number;
  /** 1..12 */
  month: number;
  dom: number;
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
}

export function partsOf(day: Day): DayParts {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dom: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** Months since year 0, so consecutive months differ by one across a year end. */
export function monthIndexOf(day: Day): number {
  const p = partsOf(day);
  return p.year * 12 + (p.month - 1);
}

export function daysInMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month0 = monthIndex - year * 12;
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Day `dom` of a month, clamped to its length (the 31st of April is the 30th). */
export function dayInMonth(monthIndex: number, dom: number): Day {
  const year = Math.floor(monthIndex / 12);
  const month0 = monthIndex - year * 12;
  return Date.UTC(year, month0, Math.min(dom, daysInMonth(monthIndex))) / MS_PER_DAY;
}
