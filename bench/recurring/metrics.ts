import { CADENCE_BY_FREQUENCY, type DetectedStream, dayOf } from "@expenzez/recurring";
import type { TruthStream } from "./generate";

export interface Scores {
  detected: number;
  truth: number;
  matched: number;
  frequencyCorrect: number;
  /** Matched streams whose truth has a next payment. */
  nextDated: number;
  nextWithinTolerance: number;
  /** Cancelled truth streams reported tombstoned / still reported active. */
  cancelledTombstoned: number;
  cancelledActive: number;
  /** Active truth streams reported tombstoned. */
  activeTombstoned: number;
  priceChanges: number;
  priceChangesFound: number;
  misses: string[];
  falsePositives: string[];
}

export const emptyScores = (): Scores => ({
  detected: 0,
  truth: 0,
  matched: 0,
  frequencyCorrect: 0,
  nextDated: 0,
  nextWithinTolerance: 0,
  cancelledTombstoned: 0,
  cancelledActive: 0,
  activeTombstoned: 0,
  priceChanges: 0,
  priceChangesFound: 0,
  misses: [],
  falsePositives: [],
});

/** Jaccard overlap of member transactions at which a detected stream is the labelled one. */
export const MATCH_OVERLAP = 0.5;

/** Pairs detected and labelled streams one-to-one by member overlap, then scores the pairs. */
export function scoreUser(detected: readonly DetectedStream[], truth: readonly TruthStream[], into: Scores, userId: string): void {
  into.detected += detected.length;
  into.truth += truth.length;
  const pairs: { d: number; t: number; jaccard: number }[] = [];
  detected.forEach((d, di) => {
    const members = new Set(d.transactionIds);
    truth.forEach((t, ti) => {
      const inter = t.memberIds.filter((id) => members.has(id)).length;
      if (inter === 0) return;
      pairs.push({ d: di, t: ti, jaccard: inter / (members.size + t.memberIds.length - inter) });
    });
  });
  pairs.sort((a, b) => b.jaccard - a.jaccard);
  const usedD = new Set<number>();
  const usedT = new Set<number>();
  for (const p of pairs) {
    if (p.jaccard < MATCH_OVERLAP || usedD.has(p.d) || usedT.has(p.t)) continue;
    usedD.add(p.d);
    usedT.add(p.t);
    const d = detected[p.d]!;
    const t = truth[p.t]!;
    into.matched++;
    if (d.frequency === t.frequency) into.frequencyCorrect++;
    if (t.cancelled) {
      if (d.status === "tombstoned") into.cancelledTombstoned++;
      else into.cancelledActive++;
    } else if (d.status === "tombstoned") into.activeTombstoned++;
    if (t.nextDate !== undefined) {
      into.nextDated++;
      const tolerance = CADENCE_BY_FREQUENCY[t.frequency].toleranceDays;
      if (Math.abs(dayOf(d.nextExpected) - dayOf(t.nextDate)) <= tolerance) into.nextWithinTolerance++;
    }
    if (t.priceChanged) {
      into.priceChanges++;
      if (d.priceChange !== undefined) into.priceChangesFound++;
    }
  }
  truth.forEach((t, i) => {
    if (!usedT.has(i)) into.misses.push(`${userId} ${t.label} ${t.frequency} (${t.memberIds.length} payments)`);
  });
  detected.forEach((d, i) => {
    if (!usedD.has(i)) into.falsePositives.push(`${userId} ${d.merchant} ${d.frequency} ${d.status} (${d.occurrences} payments, ${d.usualAmountMinor}p)`);
  });
}

export const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
