import type { Transaction, TransactionInput } from "@expenzez/db";
import type { WriteUnit } from "./plan";

/**
 * A debit at or above this (in pence) is announced as LargeTransactionDetected. Fixed here on
 * purpose: whether a user wants to hear about it is alert-dispatch's decision (preferences).
 */
export const LARGE_TRANSACTION_MINOR = 50_000;
/** The currency the threshold is in: minor units of another say nothing against it (¥50,000 is about £260, 50 KWD £130). */
export const LARGE_TRANSACTION_CURRENCY = "GBP";

/**
 * True for a newly booked debit big enough to tell the user about: in pounds only, since the
 * pipeline has no exchange rate to weigh another currency's amount against £500.
 */
export function isLargeDebit(t: TransactionInput): boolean {
  return t.status === "booked" && t.direction === "debit" && t.currency === LARGE_TRANSACTION_CURRENCY && Math.abs(t.amountMinor) >= LARGE_TRANSACTION_MINOR;
}

/**
 * What a TransactionsSynced event says about one chunk's units: categories, merchants, dates,
 * counts. One pass with no per-transaction strings or arrays (a chunk holds up to 98): the
 * range is the UTC days of the earliest and latest instant.
 */
export function syncedDetail(chunk: readonly WriteUnit[]) {
  let added = 0;
  let modified = 0;
  let removed = 0;
  const categories = new Set<string>();
  const merchants = new Set<string>();
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const touch = (t: TransactionInput | Transaction) => {
    const ms = Date.parse(t.timestamp);
    if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${t.timestamp}`);
    if (ms < first) first = ms;
    if (ms > last) last = ms;
    categories.add(t.category.primary);
    if (t.merchant?.name) merchants.add(t.merchant.name);
  };
  for (const unit of chunk) {
    if (unit.added) {
      added++;
      touch(unit.added);
    }
    if (unit.changed) {
      modified++;
      touch(unit.changed.next);
      touch(unit.changed.before);
    }
    if (unit.removed) {
      removed++;
      touch(unit.removed);
    }
  }
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    counts: { added, modified, removed },
    categories: [...categories].sort(),
    merchants: [...merchants].sort(),
    range: first <= last ? { from: day(first), to: day(last) } : null,
  };
}
