import { PSD2_UNATTENDED_PER_DAY, utcDay } from "@expenzez/common";

/** Unattended refreshes a connection has made on `now`'s UTC day (a count from another day is 0). */
export function unattendedToday(connection: { unattendedRefreshes?: { day: string; count: number } | undefined }, now: Date): number {
  const counted = connection.unattendedRefreshes;
  return counted && counted.day === utcDay(now) ? counted.count : 0;
}

export interface ScheduleInput {
  now: Date;
  /** Unattended refreshes already made today (UTC), including the one just finished. */
  unattendedToday: number;
  /** Spacing of scheduled syncs; 24 h / 4. */
  intervalHours?: number;
  /** ± this much, so connections synced together do not stay in lock-step. */
  jitterMinutes?: number;
  random?: () => number;
}

/**
 * When to sync a connection next: one interval later, jittered; but never a fifth unattended
 * refresh in a UTC day — then the first slot of the next day, jittered forward only.
 *
 * @example nextSyncAt({ now: new Date(), unattendedToday: 1 }) // about 6 hours from now
 */
export function nextSyncAt(input: ScheduleInput): Date {
  const random = input.random ?? Math.random;
  const intervalMs = (input.intervalHours ?? 24 / PSD2_UNATTENDED_PER_DAY) * 3_600_000;
  const jitterMs = (input.jitterMinutes ?? 30) * 60_000;
  const nextDay = new Date(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), input.now.getUTCDate() + 1));
  const candidate = new Date(input.now.getTime() + intervalMs + (random() * 2 - 1) * jitterMs);
  // Budget left today, or the candidate already falls in tomorrow's fresh budget.
  if (input.unattendedToday < PSD2_UNATTENDED_PER_DAY || candidate >= nextDay) return candidate;
  return new Date(nextDay.getTime() + random() * jitterMs);
}
