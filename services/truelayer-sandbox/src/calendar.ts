const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a Date, in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Midnight UTC of a "YYYY-MM-DD" day, or undefined when it is not a real date. */
export function parseDay(day: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || isoDay(date) !== day ? undefined : date;
}

export function addDays(day: string, days: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

/** Every day from `from` to `to`, both included. */
export function* eachDay(from: string, to: string): Generator<string> {
  for (let day = from; day <= to; day = addDays(day, 1)) yield day;
}

export function dayOfMonth(day: string): number {
  return Number(day.slice(8, 10));
}

export function daysInMonth(day: string): number {
  const [y, m] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function isWeekend(day: string): boolean {
  const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

/**
 * True when a monthly payment due on `dueDay` falls on `day`: short months pay on their last
 * day, and weekend dates move to the Friday before (how UK salaries and standing orders behave),
 * or to the Monday after when the Friday is in the previous month.
 */
export function isMonthlyPaymentDay(day: string, dueDay: number): boolean {
  const month = day.slice(0, 8);
  const nominal = `${month}${String(Math.min(dueDay, daysInMonth(day))).padStart(2, "0")}`;
  let due = nominal;
  while (isWeekend(due)) due = addDays(due, -1);
  // Never into the previous month: a payment due on the 1st moves to the Monday after instead.
  if (!due.startsWith(month)) for (due = nominal; isWeekend(due); due = addDays(due, 1));
  return due === day;
}

export const DAY_IN_MS = DAY_MS;

/** The later of two "YYYY-MM-DD" days (string order is date order). */
export function laterDay(a: string, b: string): string {
  return a >= b ? a : b;
}

export function earlierDay(a: string, b: string): string {
  return a <= b ? a : b;
}
