import { createHash } from "node:crypto";
import { summariseAmounts } from "./amounts";
import { bandsOf, LOOSE_GAP, TIGHT_GAP } from "./bands";
import { LOOKBACK_DAYS } from "./cadence";
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
  const groups = groupByMerchant(transactions, days, asOf - LOOKBACK_DAYS, asOf);
  const streams: DetectedStream[] = [];
  for (const group of groups.values()) {
    for (const fit of fitsOf(group.items)) {
      if (!enoughEvidence(fit, group)) continue;
      const stream = toStream(group, fit, asOf);
      // Two payments and then silence is a coincidence more often than a cancelled arrangement.
      if (stream.status === "tombstoned" && stream.occurrences < fit.cadence.matureOccurrences) continue;
      streams.push(stream);
    }
  }
  return streams.sort((a, b) => a.merchantKey.localeCompare(b.merchantKey) || a.direction.localeCompare(b.direction) || a.firstDate.localeCompare(b.firstDate));
}

function groupByMerchant(transactions: readonly RecurringInput[], days: readonly Day[], from: Day, to: Day): Map<string, Group> {
  const groups = new Map<string, Group>();
  transactions.forEach((t, i) => {
    const day = days[i]!;
    if (day < from || day > to || t.amountMinor === 0) return;
    const direction: Direction = t.amountMinor < 0 ? "debit" : "credit";
    const { name, key } = merchantOf(t.description, t.merchant, t.merchantName);
    const groupKey = `${key}\u0000${direction}\u0000${t.currency}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { merchant: name, merchantKey: key, direction, currency: t.currency, items: [] };
      groups.set(groupKey, group);
    }
    group.items.push({ id: t.id, day, amountMinor: Math.abs(t.amountMinor) });
  });
  return groups;
}

/**
 * Loose bands first (they keep varying bills and price rises whole); a loose band that fits no
 * cadence is noise or several prices mixed, so its single-price bands get a chance. Those need
 * three payments: two equal amounts a month apart are common at a shop you visit often.
 */
function fitsOf(items: readonly Item[]): Fit<Item>[] {
  const fits: Fit<Item>[] = [];
  for (const loose of bandsOf(items, (i) => i.amountMinor, LOOSE_GAP)) {
    const fit = fitBand(loose);
    if (fit !== undefined) {
      fits.push(fit);
      continue;
    }
    if (loose.length < 3) continue;
    for (const tight of bandsOf(loose, (i) => i.amountMinor, TIGHT_GAP)) {
      if (tight.length < 3 || tight.length === loose.length) continue;
      const tightFit = fitBand(tight);
      if (tightFit !== undefined) fits.push(tightFit);
    }
  }
  return fits;
}

/** Busy merchants (more than two other payments in the window) need three payments, not two, to show a pattern. */
function enoughEvidence(fit: Fit<Item>, group: Group): boolean {
  return fit.members.length >= 3 || group.items.length - fit.members.length <= BUSY_OTHERS;
}

const BUSY_OTHERS = 2;

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
