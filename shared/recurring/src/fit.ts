import { CADENCES, type Cadence } from "./cadence";
import { lastWorkingDayOfMonth, type ShiftPolicy, shiftToWorkingDay } from "./calendar";
import { type Day, dayInMonth, monthIndexOf, partsOf } from "./dates";

/** A dated payment as the fitter sees it. */
export interface Occurrence {
  day: Day;
  amountMinor: number;
}

/**
 * Where a cadence puts its payments: slot `k` is a day number (day-based) or a month index
 * (month-based); its nominal day is moved by the shift policy when it is not a working day.
 */
export type Schedule =
  | { kind: "days"; step: number; policy: ShiftPolicy }
  | { kind: "day_of_month"; dom: number; policy: ShiftPolicy }
  | { kind: "last_working_day" };

export interface Fit<T extends Occurrence> {
  cadence: Cadence;
  schedule: Schedule;
  /** Members in time order, one per slot. */
  members: T[];
  /** Slot of each member (same order). */
  slots: number[];
  /** Band items that did not fit the schedule (extra payments, noise). */
  outliers: T[];
  /** Mean distance (days) of members from their expected day. */
  meanDeviation: number;
  /** Share of the slots between the first and the last member that have a payment. */
  coverage: number;
}

/** At most this share of a band may be left out of its stream; more means it is not one schedule. */
const MAX_OUTLIER_SHARE = 0.25;
/** Slots between the first and the last member that may be empty (a skipped payment). */
const MIN_COVERAGE = 0.75;

/** The expected day of a slot. */
export function expectedDay(schedule: Schedule, slot: number): Day {
  switch (schedule.kind) {
    case "days":
      return shiftToWorkingDay(slot, schedule.policy);
    case "day_of_month":
      return shiftToWorkingDay(dayInMonth(slot, schedule.dom), schedule.policy);
    case "last_working_day":
      return lastWorkingDayOfMonth(dayInMonth(slot, 31));
  }
}

/** The slot after `slot` on a cadence. */
export function nextSlot(cadence: Cadence, slot: number): number {
  return slot + cadence.step;
}

/**
 * The best schedule of each cadence for a band, and the cadence that explains most of it.
 * Undefined when no cadence explains the band (one-offs, busy-shop noise).
 */
export function fitBand<T extends Occurrence>(band: readonly T[], cadences: readonly Cadence[] = CADENCES, minMembers = 2): Fit<T> | undefined {
  if (band.length < Math.max(2, minMembers)) return undefined;
  const sorted = [...band].sort((a, b) => a.day - b.day);
  const span = sorted[sorted.length - 1]!.day - sorted[0]!.day;
  let best: Fit<T> | undefined;
  const doms = modeDoms(sorted);
  const typicalGap = medianGap(sorted);
  for (const cadence of cadences) {
    // Cheap refusals first: a band with many more payments than the cadence has slots in its
    // span can never leave 75% of them in the stream (busy shops end here); and the usual gap
    // between payments is near the cadence's period when it fits (extra payments shorten it,
    // a skipped one lengthens it).
    const period = approxDays(cadence);
    const slotsInSpan = Math.floor(span / period) + 2;
    if (slotsInSpan < sorted.length * (1 - MAX_OUTLIER_SHARE)) continue;
    if (typicalGap < period * 0.4 || typicalGap > period * 2.5) continue;
    const fit = fitCadence(sorted, cadence, doms);
    if (fit === undefined || fit.members.length < minMembers) continue;
    if (
      best === undefined ||
      fit.members.length > best.members.length ||
      (fit.members.length === best.members.length && fit.meanDeviation < best.meanDeviation - 0.5)
    )
      best = fit;
    // Every payment on schedule: no later cadence can explain more, nor the same ones closer.
    if (sorted.length >= 3 && best.members.length === sorted.length && best.meanDeviation < 0.5) break;
  }
  return best;
}

function medianGap(sorted: readonly Occurrence[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < sorted.length; i++) gaps.push(sorted[i]!.day - sorted[i - 1]!.day);
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]!;
}

function approxDays(cadence: Cadence): number {
  return cadence.unit === "days" ? cadence.step : cadence.step * 30.44;
}

function fitCadence<T extends Occurrence>(sorted: readonly T[], cadence: Cadence, doms: readonly number[]): Fit<T> | undefined {
  let best: Fit<T> | undefined;
  for (const { schedule, phase } of candidateSchedules(sorted, cadence, doms)) {
    const fit = assign(sorted, cadence, schedule, phase);
    if (fit === undefined) continue;
    if (
      best === undefined ||
      fit.members.length > best.members.length ||
      (fit.members.length === best.members.length && fit.meanDeviation < best.meanDeviation)
    )
      best = fit;
    // Every payment exactly on this schedule: no other schedule can do better.
    if (best.members.length === sorted.length && best.meanDeviation === 0) break;
  }
  return best;
}

/** Schedules worth trying: the phase and day the data point to, under each shift policy. */
function candidateSchedules(sorted: readonly Occurrence[], cadence: Cadence, doms: readonly number[]): { schedule: Schedule; phase: number }[] {
  const policies: ShiftPolicy[] = ["none", "next", "previous"];
  if (cadence.unit === "days") {
    const phase = densestResidue(
      sorted.map((o) => o.day),
      cadence.step,
      cadence.toleranceDays,
    );
    return policies.map((policy) => ({ schedule: { kind: "days", step: cadence.step, policy }, phase }));
  }
  const phase = cadence.step === 1 ? 0 : densestResidue(sorted.map(slotMonthOf), cadence.step, 0);
  const out: { schedule: Schedule; phase: number }[] = [{ schedule: { kind: "last_working_day" }, phase }];
  for (const dom of doms) for (const policy of policies) out.push({ schedule: { kind: "day_of_month", dom, policy }, phase });
  return out;
}

/** The month a payment belongs to: one booked on the 1st-3rd may be the previous month's, moved on by a weekend. */
function slotMonthOf(o: Occurrence): number {
  return monthIndexOf(o.day);
}

/** The residue (mod `step`) that the most values lie within `tolerance` of, circularly; the closest fit on ties. */
function densestResidue(values: readonly number[], step: number, tolerance: number): number {
  const counts = new Array<number>(step).fill(0);
  for (const v of values) counts[((v % step) + step) % step]!++;
  let bestResidue = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < step; r++) {
    let count = 0;
    let distance = 0;
    for (let d = -tolerance; d <= tolerance; d++) {
      const c = counts[(((r + d) % step) + step) % step]!;
      count += c;
      distance += c * Math.abs(d);
    }
    // Count first; among residues that reach as many, the one nearest to them.
    const score = count * (tolerance + 1) * values.length - distance;
    if (score > bestScore) {
      bestScore = score;
      bestResidue = r;
    }
  }
  return bestResidue;
}

/** Candidate days of the month: the most common one, and the month's end when payments cluster there. */
function modeDoms(sorted: readonly Occurrence[]): number[] {
  const counts = new Map<number, number>();
  let late = 0;
  for (const o of sorted) {
    const dom = partsOf(o.day).dom;
    counts.set(dom, (counts.get(dom) ?? 0) + 1);
    if (dom >= 28) late++;
  }
  let mode = 1;
  let modeCount = -1;
  for (const [dom, count] of counts) {
    if (count > modeCount || (count === modeCount && dom < mode)) {
      mode = dom;
      modeCount = count;
    }
  }
  const doms = [mode];
  if (late * 2 >= sorted.length && mode !== 31) doms.push(31);
  return doms;
}

/** Each item to its nearest slot; items too far from every slot, or second in a slot, are outliers. */
function assign<T extends Occurrence>(sorted: readonly T[], cadence: Cadence, schedule: Schedule, phase: number): Fit<T> | undefined {
  const bySlot = new Map<number, { item: T; deviation: number }>();
  const outliers: T[] = [];
  // Neighbouring items ask for the same slots: compute each slot's day once.
  const expected = new Map<number, Day>();
  for (const item of sorted) {
    const near = nearestSlot(item.day, cadence, phase, schedule, expected);
    if (near.deviation > cadence.toleranceDays) {
      outliers.push(item);
      continue;
    }
    const taken = bySlot.get(near.slot);
    if (taken === undefined) bySlot.set(near.slot, { item, deviation: near.deviation });
    else if (near.deviation < taken.deviation) {
      outliers.push(taken.item);
      bySlot.set(near.slot, { item, deviation: near.deviation });
    } else outliers.push(item);
  }
  if (bySlot.size < cadence.minOccurrences) return undefined;
  if (outliers.length > sorted.length * MAX_OUTLIER_SHARE) return undefined;
  const slots = [...bySlot.keys()].sort((a, b) => a - b);
  const spanned = (slots[slots.length - 1]! - slots[0]!) / cadence.step + 1;
  const coverage = slots.length / spanned;
  // Two or three payments must be consecutive; longer streams may skip one in four.
  if (slots.length <= 3 ? coverage < 1 : coverage < MIN_COVERAGE) return undefined;
  const members = slots.map((s) => bySlot.get(s)!.item);
  const meanDeviation = slots.reduce((sum, s) => sum + bySlot.get(s)!.deviation, 0) / slots.length;
  absorbTrailing(cadence, schedule, members, slots, outliers, expected);
  return { cadence, schedule, members, slots, outliers, meanDeviation, coverage };
}

/**
 * A payment after the last member that is far from its slot but nearer to it than to any
 * other (December's salary paid before Christmas) is that slot's payment: without it the
 * stream would look overdue. It joins the members; the fit's quality is judged without it.
 */
function absorbTrailing<T extends Occurrence>(
  cadence: Cadence,
  schedule: Schedule,
  members: T[],
  slots: number[],
  outliers: T[],
  memo: Map<number, Day>,
): void {
  const half = approxDays(cadence) / 2;
  const later = outliers.filter((o) => o.day > members[members.length - 1]!.day).sort((a, b) => a.day - b.day);
  for (const o of later) {
    const slot = nextSlot(cadence, slots[slots.length - 1]!);
    if (Math.abs(o.day - slotDay(schedule, slot, memo)) >= half) continue;
    members.push(o);
    slots.push(slot);
    outliers.splice(outliers.indexOf(o), 1);
  }
}

function slotDay(schedule: Schedule, slot: number, memo: Map<number, Day>): Day {
  let d = memo.get(slot);
  if (d === undefined) {
    d = expectedDay(schedule, slot);
    memo.set(slot, d);
  }
  return d;
}

function nearestSlot(day: Day, cadence: Cadence, phase: number, schedule: Schedule, memo: Map<number, Day>): { slot: number; deviation: number } {
  let base: number;
  if (cadence.unit === "days") {
    base = phase + Math.round((day - phase) / cadence.step) * cadence.step;
  } else {
    const month = monthIndexOf(day);
    base = phase + Math.round((month - phase) / cadence.step) * cadence.step;
  }
  let slot = base;
  let deviation = Math.abs(day - slotDay(schedule, base, memo));
  const before = Math.abs(day - slotDay(schedule, base - cadence.step, memo));
  if (before < deviation) {
    deviation = before;
    slot = base - cadence.step;
  }
  const after = Math.abs(day - slotDay(schedule, base + cadence.step, memo));
  if (after < deviation) {
    deviation = after;
    slot = base + cadence.step;
  }
  return { slot, deviation };
}
