import type { Transaction, TransactionInput } from "@expenzez/db";
import type { WriteUnit } from "./plan";

/**
 * A debit at or above this (in pence) is announced as LargeTransactionDetected. Fixed here on
 * purpose: whether a user wants to hear about it is alert-dispatch's decision (preferences).
 */
export const LARGE_TRANSACTION_MINOR = 50_000;

/** True for a newly booked debit big enough to tell the user about. */
export function isLargeDebit(t: TransactionInput): boolean {
  return t.status === "booked" && t.direction === "debit" && Math.abs(t.amountMinor) >= LARGE_TRANSACTION_MINOR;
}

/** What a TransactionsSynced event says about one chunk's units: categories, merchants, dates, counts. */
export function syncedDetail(chunk: readonly WriteUnit[]) {
  const touched: (TransactionInput | Transaction)[] = [];
  let added = 0;
  let modified = 0;
  let removed = 0;
  for (const unit of chunk) {
    if (unit.added) {
      added++;
      touched.push(unit.added);
    }
    if (unit.changed) {
      modified++;
      touched.push(unit.changed.next, unit.changed.before);
    }
    if (unit.removed) {
      removed++;
      touched.push(unit.removed);
    }
  }
  const days = touched.map((t) => new Date(Date.parse(t.timestamp)).toISOString().slice(0, 10)).sort();
  return {
    counts: { added, modified, removed },
    categories: [...new Set(touched.map((t) => t.category.primary))].sort(),
    merchants: [...new Set(touched.flatMap((t) => (t.merchant?.name ? [t.merchant.name] : [])))].sort(),
    range: days.length ? { from: days[0] as string, to: days[days.length - 1] as string } : null,
  };
}
