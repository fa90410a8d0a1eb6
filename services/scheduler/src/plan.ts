import { exponentialCeiling, PSD2_UNATTENDED_PER_DAY } from "@expenzez/common";
import type { DueConnection } from "@expenzez/db";
import { nextSyncAt } from "@expenzez/sync";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Knobs of one tick; defaults fit 4 scheduled syncs a day. */
export interface SchedulePolicy {
  /** How long a claimed slot stays out of the index; past it, a job that never ran is due again. */
  claimSeconds: number;
  /** First retry after a failure, doubled per consecutive failure, capped at `maxBackoffHours`. */
  backoffBaseMinutes: number;
  maxBackoffHours: number;
  /** Due for longer than this: reported as stuck (and queued again). */
  stuckAfterHours: number;
  /** A lease expired longer ago than this and never released: reported as stale. */
  staleLeaseMinutes: number;
  /** Spread of deferred due times, so deferred connections do not come back together. */
  jitterMinutes: number;
}

export const DEFAULT_POLICY: SchedulePolicy = {
  claimSeconds: 900,
  backoffBaseMinutes: 15,
  maxBackoffHours: 24,
  stuckAfterHours: 24,
  staleLeaseMinutes: 15,
  jitterMinutes: 10,
};

export type Decision =
  | { action: "enqueue"; claimUntil: Date; stuck: boolean; staleLease: boolean }
  | { action: "defer"; until: Date; why: "psd2_limit" | "backoff" }
  | { action: "skip"; why: "lease_held" };

/**
 * What to do with one due connection now: queue a job (claiming the slot until `claimUntil`),
 * or move its due time on (the PSD2 day budget is spent, or it is backing off after failures),
 * or leave it to the sync that holds its lease.
 */
export function decide(due: DueConnection, now: Date, policy: SchedulePolicy = DEFAULT_POLICY, random: () => number = Math.random): Decision {
  const c = due.schedule;
  const t = now.getTime();
  const leaseUntil = c.leaseUntil ? Date.parse(c.leaseUntil) : undefined;
  if (leaseUntil !== undefined && leaseUntil > t) return { action: "skip", why: "lease_held" };

  const today = now.toISOString().slice(0, 10);
  const spent = c.unattendedRefreshes?.day === today ? c.unattendedRefreshes.count : 0;
  if (spent >= PSD2_UNATTENDED_PER_DAY) return { action: "defer", until: nextSyncAt({ now, unattendedToday: spent, random }), why: "psd2_limit" };

  const failures = c.syncStats?.consecutiveFailures ?? 0;
  if (failures > 0) {
    const earliest = Date.parse(c.updatedAt) + backoffMs(failures, policy);
    if (earliest > t) return { action: "defer", until: new Date(earliest + random() * policy.jitterMinutes * 60_000), why: "backoff" };
  }

  return {
    action: "enqueue",
    claimUntil: new Date(t + policy.claimSeconds * 1000),
    stuck: t - Date.parse(due.nextSyncAt) > policy.stuckAfterHours * HOUR,
    staleLease: leaseUntil !== undefined && t - leaseUntil > policy.staleLeaseMinutes * 60_000,
  };
}

/** Wait after `failures` consecutive failures: base, 2×base, 4×base … capped. */
export function backoffMs(failures: number, policy: SchedulePolicy = DEFAULT_POLICY): number {
  if (failures <= 0) return 0;
  return exponentialCeiling(failures, { base: policy.backoffBaseMinutes * 60_000, cap: policy.maxBackoffHours * HOUR });
}

export type ConsentWarning = "7d" | "1d";

/**
 * The consent-expiry warning due now, if any: "7d" inside the last week, "1d" inside the last
 * day, each once per consent (a reconnect brings a new `consentExpiresAt` and new warnings).
 * A connection first seen inside its last day gets only the "1d" one.
 */
export function consentWarningDue(due: DueConnection, now: Date): ConsentWarning | undefined {
  const c = due.schedule;
  const left = Date.parse(c.consentExpiresAt) - now.getTime();
  if (left <= 0) return undefined; // expired: the sync worker asks the user to reconnect
  const sent = c.consentWarnings?.consentExpiresAt === c.consentExpiresAt ? c.consentWarnings.sent : [];
  if (left <= DAY) return sent.includes("1d") ? undefined : "1d";
  if (left <= 7 * DAY) return sent.includes("7d") || sent.includes("1d") ? undefined : "7d";
  return undefined;
}
