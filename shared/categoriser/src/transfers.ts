import { amountMinorOf, directionOf } from "./direction";
import type { CategorisableTransaction } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Card purchases, ATM and fees are never a move between own accounts, however the amounts line up. */
const NEVER_TRANSFER = new Set(["PURCHASE", "ATM", "FEE_CHARGE", "INTEREST", "DIVIDEND", "CASHBACK", "DIRECT_DEBIT"]);

interface Leg {
  index: number;
  accountId: string;
  credit: boolean;
}

interface TimedLeg extends Leg {
  time: number;
  minor: number;
}

/**
 * Indices of transactions that are moves between the user's own accounts: a debit on one own
 * account and a credit of the same amount (exact minor units, same currency) on another, within a
 * day. Each transaction pairs at most once, with the closest-in-time counterpart.
 *
 * @example findOwnTransfers(txs, new Set(["acc-current", "acc-savings"])) // Set { 3, 7 }
 */
export function findOwnTransfers(txs: readonly CategorisableTransaction[], ownAccounts: ReadonlySet<string>): Set<number> {
  const found = new Set<number>();
  if (ownAccounts.size < 2) return found;
  // A cheap bucket first (currency and the amount as written); exact minor units decide below,
  // so parsing money and dates is paid only where a debit and a credit could meet.
  // Currency, then the amount as written: no key text is built per transaction.
  const buckets = new Map<string, Map<number, Leg[]>>();
  txs.forEach((tx, index) => {
    if (!tx || typeof tx !== "object" || typeof tx.accountId !== "string" || !ownAccounts.has(tx.accountId)) return;
    if (typeof tx.transaction_category === "string" && NEVER_TRANSFER.has(tx.transaction_category)) return;
    // Only numbers and strings can be money; Number() would throw on a Symbol.
    const size = typeof tx.amount === "number" || typeof tx.amount === "string" ? Math.abs(Number(tx.amount)) : Number.NaN;
    if (!Number.isFinite(size) || size === 0) return;
    const currency = typeof tx.currency === "string" ? tx.currency.toUpperCase() : "GBP";
    const byAmount = buckets.get(currency) ?? buckets.set(currency, new Map()).get(currency)!;
    const legs = byAmount.get(size) ?? byAmount.set(size, []).get(size)!;
    legs.push({ index, accountId: tx.accountId, credit: directionOf(tx) === "CREDIT" });
  });
  for (const byAmount of buckets.values()) {
    for (const legs of byAmount.values()) {
      if (!legs.some((l) => l.credit) || legs.every((l) => l.credit)) continue;
      pairLegs(txs, legs, found);
    }
  }
  return found;
}

function pairLegs(txs: readonly CategorisableTransaction[], legs: Leg[], found: Set<number>): void {
  const debits: TimedLeg[] = [];
  const credits: TimedLeg[] = [];
  for (const leg of legs) {
    const tx = txs[leg.index]!;
    const minor = amountMinorOf(tx);
    const time = typeof tx.timestamp === "string" ? Date.parse(tx.timestamp) : Number.NaN;
    if (minor === undefined || Number.isNaN(time)) continue;
    (leg.credit ? credits : debits).push({ index: leg.index, accountId: leg.accountId, credit: leg.credit, time, minor: Math.abs(minor) });
  }
  // Sorted by time, each debit looks only at credits within a day of it: no quadratic blow-up
  // for a user with thousands of equal transfers.
  debits.sort((a, b) => a.time - b.time);
  credits.sort((a, b) => a.time - b.time);
  const used = new Uint8Array(credits.length);
  let from = 0;
  for (const d of debits) {
    while (from < credits.length && credits[from]!.time < d.time - DAY_MS) from++;
    let best = -1;
    for (let j = from; j < credits.length && credits[j]!.time <= d.time + DAY_MS; j++) {
      const c = credits[j]!;
      if (used[j] || c.accountId === d.accountId || c.minor !== d.minor) continue;
      if (best < 0 || Math.abs(c.time - d.time) < Math.abs(credits[best]!.time - d.time)) best = j;
    }
    if (best >= 0) {
      used[best] = 1;
      found.add(d.index).add(credits[best]!.index);
    }
  }
}
