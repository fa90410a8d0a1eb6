/**
 * A long booked history (a catch-up of years) is fetched, categorised and written in slices of
 * the window, oldest first, so the worker holds one slice at a time whatever the history's length.
 * The categoriser pairs transfers between the user's own accounts within a day of each other
 * (`findOwnTransfers`), so each batch also sees the days around what it writes: it holds back
 * its last `PAIR_MARGIN_DAYS` for the next batch, and categorises with the previous batch's last
 * written `PAIR_MARGIN_DAYS` as context (not written again). Every transaction is then
 * categorised with everything within a day of it on any account, and written exactly once.
 */

const DAY_MS = 86_400_000;

/** Booked history per bank call and per batch; a window no longer than this is one batch. */
export const SLICE_DAYS = 180;
/** Held back and looked back across a slice boundary: more than the categoriser's one-day pairing reach. */
export const PAIR_MARGIN_DAYS = 2;

export interface Slice {
  from: string;
  to: string;
}

/**
 * The window cut into slices of `sliceDays`, oldest first, boundaries at midnight UTC (identical
 * same-day transactions stay together); one slice when the window is that short.
 *
 * @example historySlices({ from: "2021-11-20T12:00:00Z", to: "2026-11-20T12:00:00Z" }).length // 11
 */
export function historySlices(window: Slice, sliceDays = SLICE_DAYS): Slice[] {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  if (to - from <= sliceDays * DAY_MS) return [window];
  const slices: Slice[] = [];
  let start = from;
  // The first boundary is a midnight; every slice after it is whole days.
  let end = Math.floor(from / DAY_MS) * DAY_MS + sliceDays * DAY_MS;
  while (end < to) {
    slices.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
    start = end;
    end += sliceDays * DAY_MS;
  }
  slices.push({ from: new Date(start).toISOString(), to: window.to });
  return slices;
}

/** What batch `i` of these slices writes (`[writeFrom, writeTo)`), sees (from `contextFrom`) and keeps for the next (from `keepFrom`), as epoch ms. */
export interface BatchBounds {
  writeFrom: number;
  writeTo: number;
  contextFrom: number;
  keepFrom: number;
}

export function batchBounds(slices: readonly Slice[], i: number, marginDays = PAIR_MARGIN_DAYS): BatchBounds {
  const margin = marginDays * DAY_MS;
  const writeFrom = i === 0 ? Number.NEGATIVE_INFINITY : Date.parse((slices[i] as Slice).from) - margin;
  const writeTo = i === slices.length - 1 ? Number.POSITIVE_INFINITY : Date.parse((slices[i + 1] as Slice).from) - margin;
  return { writeFrom, writeTo, contextFrom: writeFrom - margin, keepFrom: writeTo - margin };
}

/** A transaction's time for the bounds; one without a readable time belongs to the batch that fetched it. */
export function timeOf(timestamp: string | undefined, fallback: number): number {
  const ms = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
  return Number.isNaN(ms) ? fallback : ms;
}
