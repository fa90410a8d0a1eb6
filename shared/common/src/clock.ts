/** "YYYY-MM-DD" of an instant in UTC: the day PSD2 budgets and event booking days count in. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
