import { PSD2_UNATTENDED_HISTORY_DAYS } from "@expenzez/common";

const DAY_MS = 86_400_000;

/**
 * Days re-read before the last sync: banks book late, backdate and change recent transactions.
 * Measured on the simulator's hostile runs: a backdated booking seen 10 days back; 14 covers it
 * with margin. An unchanged re-read costs no write (reconcile), only the bank call's size.
 */
export const OVERLAP_DAYS = 14;
/** History a first sync asks for, and the oldest an unattended call may ask for (else `sca_exceeded`). */
export const MAX_HISTORY_DAYS = PSD2_UNATTENDED_HISTORY_DAYS;
/** A booked copy may carry a date a day before its pending copy's timestamp (booked at midnight, UTC offsets). */
export const PENDING_REACH_DAYS = 1;
// Our clock and the bank's drift apart by moments; asking for exactly 90 days could land past the limit.
const LIMIT_MARGIN_MS = 3_600_000;

/**
 * The booked-transaction window of one sync, up to now: from `lastSyncAt - 14 days` (first sync:
 * 90 days back), reaching further back to a day before the oldest stored pending transaction
 * (its booked copy can carry its purchase date; no further than 90 days) and to a backfill's
 * `backfillFrom` day, never older than 90 days for unattended jobs.
 *
 * @example syncWindow({ now, lastSyncAt: "2026-11-24T10:00:00Z", attended: false }) // from 2026-11-10T10:00:00Z
 */
export function syncWindow(input: { now: Date; lastSyncAt?: string; oldestPendingAt?: string; attended: boolean; backfillFrom?: string }): {
  from: string;
  to: string;
} {
  const now = input.now.getTime();
  const oldest = now - MAX_HISTORY_DAYS * DAY_MS + LIMIT_MARGIN_MS;
  let wanted = input.lastSyncAt ? Date.parse(input.lastSyncAt) - OVERLAP_DAYS * DAY_MS : oldest;
  // A pending transaction's booked copy is looked for no further back than 90 days, attended or
  // not: a bank that served a pending date of year 0 would otherwise make every attended sync ask
  // for a window the bank refuses (400), blocking the connection for one bad transaction.
  if (input.oldestPendingAt) {
    const reach = Date.parse(input.oldestPendingAt) - PENDING_REACH_DAYS * DAY_MS;
    if (Number.isFinite(reach)) wanted = Math.min(wanted, Math.max(reach, oldest));
  }
  // A backfill's day starts at midnight UTC; unattended, the clamp below still holds it to 90 days.
  if (input.backfillFrom) wanted = Math.min(wanted, Date.parse(`${input.backfillFrom}T00:00:00.000Z`));
  // The user being present lifts the limit.
  const from = input.attended ? Math.min(wanted, now) : Math.min(Math.max(wanted, oldest), now);
  return { from: new Date(from).toISOString(), to: input.now.toISOString() };
}
