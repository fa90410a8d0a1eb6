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
  if (typeof timestamp !== "string" || !DATE_PREFIX.test(timestamp)) throw new InvalidInputError(`not an ISO date: ${timestamp}`);
  const y = digits(timestamp, 0, 4);
  const mo = digits(timestamp, 5, 2);
  const d = digits(timestamp, 8, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y * 12 + mo - 1)) throw new InvalidInputError(`not a calendar date: ${timestamp}`);
  return dayFromParts(y, mo, d);
}

function digits(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) n = n * 10 + (text.charCodeAt(i) - 48);
  return n;
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

/**
 * Civil date of a day number without allocating a Date (the detector calls this in its inner
 * loop); Howard Hinnant's `civil_from_days`.
 */
export function partsOf(day: Day): DayParts {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const dom = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, dom, weekday: weekdayOf(day) };
}

/** 0 = Sunday .. 6 = Saturday; 1970-01-01 (day 0) was a Thursday. */
export function weekdayOf(day: Day): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Day number of a civil date (`days_from_civil`). */
export function dayFromParts(year: number, month1: number, dom: number): Day {
  const y = month1 <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month1 > 2 ? month1 - 3 : month1 + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + dom - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Months since year 0, so consecutive months differ by one across a year end. */
export function monthIndexOf(day: Day): number {
  const p = partsOf(day);
  return p.year * 12 + (p.month - 1);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  const month0 = monthIndex - year * 12;
  if (month0 === 1 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month0]!;
}

/** Day `dom` of a month, clamped to its length (the 31st of April is the 30th). */
export function dayInMonth(monthIndex: number, dom: number): Day {
  const year = Math.floor(monthIndex / 12);
  const month0 = monthIndex - year * 12;
  return dayFromParts(year, month0 + 1, Math.min(dom, daysInMonth(monthIndex)));
}
