import { DateTime } from "luxon";

/** `HH:mm` local clock window; `start` inclusive, `end` exclusive; `end < start` runs across midnight; `start == end` is empty. */
export interface ClockWindow {
  start: string;
  end: string;
}

function minutes(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Whether a local wall-clock time falls in the window (by wall clock, so DST days need no special case). */
export function inWindow(local: DateTime, window: ClockWindow): boolean {
  const m = local.hour * 60 + local.minute;
  const s = minutes(window.start);
  const e = minutes(window.end);
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** What may hold a notification back, each as a test of one local time. */
export interface TimingConstraints {
  timeZone: string;
  quietHours?: ClockWindow;
  /** Delivery allowed only inside this window. */
  allowedWindow?: ClockWindow;
  /** ISO weekdays allowed (1 = Monday). */
  daysOfWeek?: readonly number[];
  /** Not before this instant (ISO). */
  notBefore?: string;
}

export type TimingReason = "quiet_hours" | "budget_alert.timeOfDay" | "budget_alert.daysOfWeek" | "budget_alert.consecutiveDays";

/** The first constraint that holds an instant back, or undefined when it may be sent then. */
export function blockedBy(instant: DateTime, c: TimingConstraints): TimingReason | undefined {
  const local = instant.setZone(c.timeZone);
  if (c.notBefore && instant.toMillis() < Date.parse(c.notBefore)) return "budget_alert.consecutiveDays";
  if (c.daysOfWeek && !c.daysOfWeek.includes(local.weekday)) return "budget_alert.daysOfWeek";
  if (c.allowedWindow && !inWindow(local, c.allowedWindow)) return "budget_alert.timeOfDay";
  if (c.quietHours && inWindow(local, c.quietHours)) return "quiet_hours";
  return undefined;
}

/** Local clock times at which some constraint can stop holding: the ends of windows and day starts. */
function boundaryClocks(c: TimingConstraints): string[] {
  return ["00:00", ...(c.quietHours ? [c.quietHours.end] : []), ...(c.allowedWindow ? [c.allowedWindow.start] : [])];
}

/**
 * The earliest instant at or after `now` at which a notification may be delivered, and the
 * constraint that delayed it (undefined: now). Candidates are the local clock times where a
 * constraint can end, on each of the next 15 local days; luxon resolves a clock time that a
 * DST change skips to the first instant after the gap.
 *
 * @example
 * // 23:30 in London with quiet hours 22:00–07:00 → 07:00 the next morning, "quiet_hours"
 * earliestDelivery(DateTime.fromISO("2024-03-30T23:30:00Z"), { timeZone: "Europe/London", quietHours: { start: "22:00", end: "07:00" } })
 */
export function earliestDelivery(now: DateTime, c: TimingConstraints): { at: DateTime; reason?: TimingReason } {
  const first = blockedBy(now, c);
  if (!first) return { at: now };
  const candidates: DateTime[] = [];
  if (c.notBefore) candidates.push(DateTime.fromISO(c.notBefore, { zone: "utc" }));
  const localNow = now.setZone(c.timeZone).startOf("day");
  for (let day = 0; day <= 15; day++) {
    const date = localNow.plus({ days: day });
    for (const clock of boundaryClocks(c)) {
      const [hour, minute] = clock.split(":").map(Number);
      const t = DateTime.fromObject({ year: date.year, month: date.month, day: date.day, hour, minute }, { zone: c.timeZone });
      // A clock time a spring-forward gap skips: luxon moves it on by the gap (01:30 → 02:30); the
      // wall clock passed it when the gap ended, at the top of the hour.
      candidates.push(t.hour !== hour || t.minute !== minute ? t.startOf("hour") : t);
    }
  }
  const sorted = candidates.filter((t) => t.isValid && t > now).sort((a, b) => a.toMillis() - b.toMillis());
  for (const t of sorted) if (!blockedBy(t, c)) return { at: t.toUTC(), reason: first };
  // Constraints that never all hold (e.g. the only allowed window lies inside quiet hours): say so.
  return { at: now, reason: first };
}

/** Whether the constraints can ever all hold; `earliestDelivery` returns `now` with a reason when not. */
export function neverDeliverable(now: DateTime, result: { at: DateTime; reason?: TimingReason }): boolean {
  return result.reason !== undefined && result.at.toMillis() === now.toMillis();
}
