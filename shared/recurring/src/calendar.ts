import Holidays from "date-holidays";
import { type Day, dayOf, partsOf, weekdayOf } from "./dates";

/**
 * Working days in England and Wales: Bacs, Faster Payments settlement and payroll follow its
 * bank holidays. The holidays come from `date-holidays` (maintained, with substitute days), read
 * once per year and kept as a set of days.
 */
let holidays: Holidays | undefined;
const byYear = new Map<number, ReadonlySet<Day>>();

function bankHolidays(year: number): ReadonlySet<Day> {
  let set = byYear.get(year);
  if (set === undefined) {
    holidays ??= new Holidays("GB", "ENG");
    set = new Set(
      holidays
        .getHolidays(year)
        .filter((h) => h.type === "public" || h.type === "bank")
        .map((h) => dayOf(h.date)),
    );
    byYear.set(year, set);
  }
  return set;
}

/** True on a UK bank holiday (England and Wales). */
export function isBankHoliday(day: Day): boolean {
  // Cheap year lookup: every holiday set is keyed by year, and most days are not holidays.
  return bankHolidays(partsOf(day).year).has(day);
}

/** Answers per day since 1970 (0 unknown, 1 working, 2 not): the fitter asks about the same days many times. */
const known = new Uint8Array(100_000);

/** Monday to Friday and not a bank holiday. */
export function isWorkingDay(day: Day): boolean {
  const cached = day >= 0 && day < known.length ? known[day]! : 0;
  if (cached !== 0) return cached === 1;
  const weekday = weekdayOf(day);
  const working = weekday !== 0 && weekday !== 6 && !isBankHoliday(day);
  if (day >= 0 && day < known.length) known[day] = working ? 1 : 2;
  return working;
}

/** How a payment due on a non-working day moves: not at all (cards), to the next or to the previous working day. */
export type ShiftPolicy = "none" | "next" | "previous";

export function shiftToWorkingDay(day: Day, policy: ShiftPolicy): Day {
  if (policy === "none") return day;
  const step = policy === "next" ? 1 : -1;
  let d = day;
  while (!isWorkingDay(d)) d += step;
  return d;
}

/** The last working day of the month that `day` is in (payroll's usual rule). */
export function lastWorkingDayOfMonth(monthEnd: Day): Day {
  return shiftToWorkingDay(monthEnd, "previous");
}
