import { amountMinorOf, directionOf } from "./direction";
import type { TransactionInput } from "./types";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Card purchases, ATM and fees are never a move between own accounts, however the amounts line up. */
const NEVER_TRANSFER = new Set(["PURCHASE", "ATM", "FEE_CHARGE", "INTEREST", "DIVIDEND", "CASHBACK", "DIRECT_DEBIT"]);

interface Leg {
  index: number;
  time: number;
  accountId: string;
}

/**
 * Indices of transactions that are moves between the user's own accounts: a debit on one own
 * account and a credit of the same amount (exact minor units, same currency) on another, within a
 * day. Each transaction pairs at most once, with the closest-in-time counterpart.
 *
 * @example findOwnTransfers(txs, new Set(["acc-current", "acc-savings"])) // Set { 3, 7 }
 */
export function findOwnTransfers(txs: readonly TransactionInput[], ownAccounts: ReadonlySet<string>): Set<number> {
  const found = new Set<number>();
  if (ownAccounts.size < 2) return found;
  const debits = new Map<string, Leg[]>();
  const credits = new Map<string, Leg[]>();
  txs.forEach((tx, index) => {
    if (!tx || typeof tx !== "object" || typeof tx.accountId !== "string" || !ownAccounts.has(tx.accountId)) return;
    if (typeof tx.transaction_category === "string" && NEVER_TRANSFER.has(tx.transaction_category)) return;
    const minor = amountMinorOf(tx);
    const time = typeof tx.timestamp === "string" ? Date.parse(tx.timestamp) : Number.NaN;
    if (minor === undefined || minor === 0 || Number.isNaN(time)) return;
    const key = `${typeof tx.currency === "string" ? tx.currency.toUpperCase() : "GBP"}:${Math.abs(minor)}`;
    const side = directionOf(tx, minor) === "DEBIT" ? debits : credits;
    const legs = side.get(key) ?? [];
    legs.push({ index, time, accountId: tx.accountId });
    side.set(key, legs);
  });
  for (const [key, out] of debits) {
    const ins = credits.get(key);
    if (!ins) continue;
    const used = new Set<number>();
    for (const d of out) {
      let best: Leg | undefined;
      for (const c of ins) {
        if (used.has(c.index) || c.accountId === d.accountId || Math.abs(c.time - d.time) > DAY_MS) continue;
        if (!best || Math.abs(c.time - d.time) < Math.abs(best.time - d.time)) best = c;
      }
      if (best) {
        used.add(best.index);
        found.add(d.index).add(best.index);
      }
    }
  }
  return found;
}
