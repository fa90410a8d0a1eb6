import { createHash } from "node:crypto";
import { summariseAmounts } from "./amounts";
import { amountTolerance, bandsOf, LOOSE_GAP, TIGHT_GAP } from "./bands";
import { CADENCES, LOOKBACK_DAYS } from "./cadence";
import { type Day, dayOf, isoDay } from "./dates";
import { expectedDay, type Fit, fitBand, nextSlot, type Occurrence } from "./fit";
import { merchantOf } from "./merchant";
import type { DetectedStream, DetectOptions, Direction, RecurringInput } from "./types";

interface Item extends Occurrence {
  id: string;
  /** Absolute pence. */
  amountMinor: number;
}

interface Group {
  merchant: string;
  merchantKey: string;
  direction: Direction;
  currency: string;
  items: Item[];
}

/**
 * A user's recurring payments and incomes, found in their transactions: grouped by merchant,
 * direction and currency, split by amount band, and fitted to every cadence the detector knows.
 * Pure and deterministic: the same input and `asOf` give the same streams.
 *
 * @example
 * const streams = detectStreams(transactions, { asOf: "2024-06-30" });
 * streams.filter((s) => s.status === "mature").map((s) => `${s.merchant} ${s.frequency}`)
 */
export function detectStreams(transactions: readonly RecurringInput[], options: DetectOptions = {}): DetectedStream[] {
  if (transactions.length === 0) return [];
  let latest = Number.NEGATIVE_INFINITY;
  const days = transactions.map((t) => {
    const d = dayOf(t.timestamp);
    if (d > latest) latest = d;
    return d;
  });
  const asOf = options.asOf === undefined ? latest : dayOf(options.asOf);
  const until = options.bookedUntil === undefined ? asOf : Math.max(asOf, dayOf(options.bookedUntil));
  const groups = groupByMerchant(transactions, days, asOf - LOOKBACK_DAYS, until);
  const streams: DetectedStream[] = [];
  for (const group of groups) {
    for (const fit of joinPriceChanges(fitsOf(group.items))) {
      if (!plausible(fit, group.items.length)) continue;
      const stream = toStream(group, fit, asOf);
      // Silence after a short run is a coincidence more often than a cancelled arrangement;
      // at a busy merchant, a long run is needed.
      if (
        stream.status === "tombstoned" &&
        stream.occurrences < (isBusy(fit.members.length + fit.outliers.length, group.items.length) ? BUSY_TOMBSTONE_MIN : fit.cadence.matureOccurrences)
      )
        continue;
      streams.push(stream);
    }
  }
  return streams.sort((a, b) => a.merchantKey.localeCompare(b.merchantKey) || a.direction.localeCompare(b.direction) || a.firstDate.localeCompare(b.firstDate));
}

function groupByMerchant(transactions: readonly RecurringInput[], days: readonly Day[], from: Day, to: Day): Group[] {
  // By merchant key, then a short list per direction and currency: no composite key strings.
  const byKey = new Map<string, Group[]>();
  const all: Group[] = [];
  for (let i = 0; i < transactions.length; i++) {
    const t = transactions[i]!;
    const day = days[i]!;
    if (day < from || day > to || t.amountMinor === 0) continue;
    const direction: Direction = t.amountMinor < 0 ? "debit" : "credit";
    const { name, key } = merchantOf(t.description, t.merchant, t.merchantName);
    let groups = byKey.get(key);
    if (groups === undefined) {
      groups = [];
      byKey.set(key, groups);
    }
    let group = groups.find((g) => g.direction === direction && g.currency === t.currency);
    if (group === undefined) {
      group = { merchant: name, merchantKey: key, direction, currency: t.currency, items: [] };
      groups.push(group);
      all.push(group);
    }
    group.items.push({ id: t.id, day, amountMinor: Math.abs(t.amountMinor) });
  }
  return all;
}

/**
 * Loose bands first (they keep varying bills and price rises whole); a loose band that fits no
 * cadence is noise or several prices mixed, so its single-price bands get a chance.
 *
 * At a busy merchant (more than two other payments in the window) chance alone puts a few
 * similar amounts a quarter or a month apart, so a band there needs four payments on a cadence
 * of a month or shorter: the subscriptions such merchants sell (Prime, iCloud) are monthly.
 */
function fitsOf(items: readonly Item[]): Fit<Item>[] {
  const fits: Fit<Item>[] = [];
  const busy = (band: readonly Item[]) => isBusy(band.length, items.length);
  for (const loose of bandsOf(items, (i) => i.amountMinor, LOOSE_GAP)) {
    const fit = busy(loose) ? fitBand(loose, BUSY_CADENCES, BUSY_MIN_MEMBERS) : fitBand(loose);
    if (fit !== undefined) {
      fits.push(fit);
      continue;
    }
    if (loose.length < BUSY_MIN_MEMBERS) continue;
    for (const tight of bandsOf(loose, (i) => i.amountMinor, TIGHT_GAP)) {
      if (tight.length < BUSY_MIN_MEMBERS || tight.length === loose.length) continue;
      const tightFit = fitBand(tight, BUSY_CADENCES, BUSY_MIN_MEMBERS);
      if (tightFit !== undefined) fits.push(tightFit);
    }
  }
  return fits;
}

const BUSY_OTHERS = 2;
const BUSY_MIN_MEMBERS = 4;
const BUSY_TOMBSTONE_MIN = 6;

function isBusy(bandSize: number, groupSize: number): boolean {
  return groupSize - bandSize > BUSY_OTHERS;
}

/** Two payments make a stream only at one price: two similar purchases months apart are common. */
function plausible(fit: Fit<Item>, _groupSize: number): boolean {
  if (fit.members.length > 2) return true;
  const [a, b] = fit.members as [Item, Item];
  return Math.abs(a.amountMinor - b.amountMinor) <= amountTolerance(Math.min(a.amountMinor, b.amountMinor));
}

/**
 * A price rise beyond a loose band's reach splits a stream in two: one that stops and one that
 * starts where the first would have continued, on the same cadence. Those are one stream.
 */
function joinPriceChanges(fits: Fit<Item>[]): Fit<Item>[] {
  const sorted = [...fits].sort((x, y) => x.members[0]!.day - y.members[0]!.day);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      if (a.cadence !== b.cadence) continue;
      const aLast = a.members[a.members.length - 1]!.day;
      if (aLast >= b.members[0]!.day) continue;
      const next = expectedDay(a.schedule, nextSlot(a.cadence, a.slots[a.slots.length - 1]!));
      if (Math.abs(b.members[0]!.day - next) > a.cadence.toleranceDays) continue;
      const joined = fitBand([...a.members, ...b.members], [a.cadence]);
      if (joined === undefined || joined.members.length < a.members.length + b.members.length) continue;
      joined.outliers.push(...a.outliers, ...b.outliers);
      sorted.splice(j, 1);
      sorted[i] = joined;
      j = i;
    }
  }
  return sorted;
}
const BUSY_CADENCES = CADENCES.filter((c) => c.unit === "days" || c.step === 1);

function toStream(group: Group, fit: Fit<Item>, asOf: Day): DetectedStream {
  const { cadence, members } = fit;
  const first = members[0]!;
  const last = members[members.length - 1]!;
  const amounts = summariseAmounts(members.map((m) => m.amountMinor));
  const next = expectedDay(fit.schedule, nextSlot(cadence, fit.slots[fit.slots.length - 1]!));
  const tolerance = cadence.toleranceDays;
  const status = asOf > next + tolerance ? "tombstoned" : members.length >= cadence.matureOccurrences ? "mature" : "early";
  const stream: DetectedStream = {
    streamId: streamIdOf(group, first.id),
    merchant: group.merchant,
    merchantKey: group.merchantKey,
    direction: group.direction,
    currency: group.currency,
    frequency: cadence.frequency,
    status,
    amountKind: amounts.kind,
    averageAmountMinor: amounts.averageMinor,
    lastAmountMinor: amounts.lastMinor,
    usualAmountMinor: amounts.usualMinor,
    amountToleranceMinor: amounts.toleranceMinor,
    firstDate: isoDay(first.day),
    lastDate: isoDay(last.day),
    nextExpected: isoDay(next),
    window: { from: isoDay(next - tolerance), to: isoDay(next + tolerance) },
    toleranceDays: tolerance,
    occurrences: members.length,
    transactionIds: members.map((m) => m.id),
    confidence: confidenceOf(fit, amounts.kind),
  };
  if (amounts.priceChange !== undefined) {
    const changedAt = members[amounts.priceChange.index]!;
    stream.priceChange = {
      previousAmountMinor: amounts.priceChange.previousAmountMinor,
      newAmountMinor: amounts.priceChange.newAmountMinor,
      transactionId: changedAt.id,
      date: isoDay(changedAt.day),
    };
  }
  return stream;
}

/**
 * Grows with the number of payments (two yearly payments weigh like three monthly ones), and
 * shrinks with distance from the schedule, empty slots, extra payments and moving amounts.
 */
function confidenceOf(fit: Fit<Item>, kind: DetectedStream["amountKind"]): number {
  const n = fit.members.length;
  const growth = fit.cadence.unit === "months" && fit.cadence.step >= 6 ? 0.35 : 0.6;
  const base = 1 - growth ** (n - 1);
  const regularity = 1 - (0.5 * fit.meanDeviation) / fit.cadence.toleranceDays;
  const extras = 1 - (0.5 * fit.outliers.length) / (n + fit.outliers.length);
  const amount = kind === "fixed" ? 1 : kind === "changed" ? 0.95 : 0.85;
  return Math.round(base * regularity * extras * fit.coverage * amount * 100) / 100;
}

function streamIdOf(group: Group, firstTransactionId: string): string {
  const hash = createHash("sha256").update(`${group.merchantKey}|${group.direction}|${group.currency}|${firstTransactionId}`).digest("hex");
  return `rs_${hash.slice(0, 24)}`;
}
