const DAY_MS = 86_400_000;

/** Days re-read before the last sync: banks book late and change recent transactions. */
export const OVERLAP_DAYS = 3;
/** History a first sync asks for, and the oldest an unattended call may ask for (else `sca_exceeded`). */
export const MAX_HISTORY_DAYS = 90;
// Our clock and the bank's drift apart by moments; asking for exactly 90 days could land past the limit.
const LIMIT_MARGIN_MS = 3_600_000;

/**
 * The booked-transaction window of one sync: from `lastSyncAt - 3 days` (first sync: 90 days
 * back), never older than 90 days for unattended jobs, up to now.
 *
 * @example syncWindow({ now, lastSyncAt: "2026-11-24T10:00:00Z", attended: false }) // from 2026-11-21T10:00:00Z
 */
export function syncWindow(input: { now: Date; lastSyncAt?: string; attended: boolean }): { from: string; to: string } {
  const now = input.now.getTime();
  const oldest = now - MAX_HISTORY_DAYS * DAY_MS + LIMIT_MARGIN_MS;
  const wanted = input.lastSyncAt ? Date.parse(input.lastSyncAt) - OVERLAP_DAYS * DAY_MS : oldest;
  // The user being present lifts the limit, but a re-sync never needs more than the overlap.
  const from = input.attended ? Math.min(wanted, now) : Math.min(Math.max(wanted, oldest), now);
  return { from: new Date(from).toISOString(), to: input.now.toISOString() };
}
