import { toMinor } from "@expenzez/money";
import type { CategorisableTransaction } from "./types";

export type Direction = "DEBIT" | "CREDIT";

/** Amount in minor units, or undefined when it is missing or not a decimal (never throws). */
export function amountMinorOf(tx: CategorisableTransaction): number | undefined {
  const { amount } = tx;
  if (typeof amount !== "number" && typeof amount !== "string") return undefined;
  try {
    return toMinor(amount, typeof tx.currency === "string" && /^[A-Za-z]{3}$/.test(tx.currency) ? tx.currency : "GBP");
  } catch {
    return undefined;
  }
}

/**
 * DEBIT or CREDIT from `transaction_type`; the sign only when the type is missing, because card
 * purchases arrive positive (see truelayer.md).
 */
export function directionOf(tx: CategorisableTransaction, amountMinor?: number): Direction {
  const raw = tx.transaction_type;
  if (raw === "DEBIT" || raw === "CREDIT") return raw;
  const type = typeof raw === "string" ? raw.toUpperCase() : "";
  if (type === "DEBIT" || type === "CREDIT") return type;
  // Parsing the amount is the costly part: only when the type does not say.
  const minor = amountMinor ?? amountMinorOf(tx);
  return minor !== undefined && minor > 0 ? "CREDIT" : "DEBIT";
}

/**
 * Order of magnitude of the amount (0 for pennies, 5 for £1,000+), a model feature only: no sum
 * or comparison of money is made from it, so a float parse is enough and cheaper than `toMinor`.
 */
export function magnitudeOf(tx: CategorisableTransaction): number | undefined {
  const n = typeof tx.amount === "number" ? tx.amount : typeof tx.amount === "string" ? Number(tx.amount) : Number.NaN;
  return Number.isFinite(n) ? Math.min(5, Math.floor(Math.log10(Math.abs(n) * 100 + 1))) : undefined;
}
