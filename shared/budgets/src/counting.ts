import type { BudgetLine } from "@expenzez/db";
import type { BudgetPeriod } from "./periods";

/** Secondary category of transfers between the user's own accounts (the categoriser's pairing). */
export const OWN_TRANSFER_SECONDARY = "transfers/own_accounts";

/** What a budget covers: one primary category, optionally only some of its secondaries, one currency. */
export interface BudgetScope {
  category: string;
  /** `primary/name` or just `name`; when set, only these count. */
  subcategories?: readonly string[] | undefined;
  currency: string;
}

/** Why a line did not count. */
export type Exclusion = "pending" | "hidden" | "own_transfer" | "other_currency" | "other_category" | "other_subcategory" | "outside_period";

/** How a line of the budget's category is treated: a debit adds, a refund (credit) subtracts. */
export type LineVerdict = { counts: true; as: "debit" | "refund" } | { counts: false; reason: Exclusion };

/** Lines left out because they are in another currency: reported, never silently added. */
export interface OtherCurrency {
  currency: string;
  lines: number;
  /** Net of those lines in their own minor units (debits positive). */
  netMinor: number;
}

/** The exact figures of one budget-period, in the budget's minor units. */
export interface SpendTally {
  /** Debits minus refunds, never below zero. */
  spentMinor: number;
  debitsMinor: number;
  refundsMinor: number;
  counted: number;
  excluded: Partial<Record<Exclusion, number>>;
  otherCurrencies: OtherCurrency[];
}

function secondaryName(primary: string, sub: string): string {
  return sub.includes("/") ? sub : `${primary}/${sub}`;
}

/**
 * Whether and how one transaction counts toward a budget (DESIGN section 5): booked, shown,
 * not a transfer between own accounts, in the budget's category (and subcategories) and currency.
 */
export function classifyLine(scope: BudgetScope, line: BudgetLine, period?: BudgetPeriod): LineVerdict {
  if (line.category.primary !== scope.category) return { counts: false, reason: "other_category" };
  if (period) {
    const at = Date.parse(line.timestamp);
    if (at < Date.parse(period.start) || at >= Date.parse(period.end)) return { counts: false, reason: "outside_period" };
  }
  if (line.status !== "booked") return { counts: false, reason: "pending" };
  if (line.isHidden) return { counts: false, reason: "hidden" };
  if (line.category.secondary === OWN_TRANSFER_SECONDARY || line.category.reason === "own_transfer") return { counts: false, reason: "own_transfer" };
  if (scope.subcategories) {
    const wanted = scope.subcategories.map((s) => secondaryName(scope.category, s));
    if (!line.category.secondary || !wanted.includes(line.category.secondary)) return { counts: false, reason: "other_subcategory" };
  }
  if (line.currency !== scope.currency) return { counts: false, reason: "other_currency" };
  return { counts: true, as: line.direction === "debit" ? "debit" : "refund" };
}

/**
 * Sums a budget-period exactly: debits minus refunds in integer minor units, floored at zero.
 *
 * @example tallySpending({ category: "groceries", currency: "GBP" }, lines).spentMinor // 4250
 */
export function tallySpending(scope: BudgetScope, lines: readonly BudgetLine[], period?: BudgetPeriod): SpendTally {
  let debitsMinor = 0;
  let refundsMinor = 0;
  let counted = 0;
  const excluded: Partial<Record<Exclusion, number>> = {};
  const other = new Map<string, OtherCurrency>();
  for (const line of lines) {
    const verdict = classifyLine(scope, line, period);
    if (verdict.counts) {
      counted++;
      if (verdict.as === "debit") debitsMinor += Math.abs(line.amountMinor);
      else refundsMinor += Math.abs(line.amountMinor);
      continue;
    }
    excluded[verdict.reason] = (excluded[verdict.reason] ?? 0) + 1;
    if (verdict.reason === "other_currency") {
      const entry = other.get(line.currency) ?? { currency: line.currency, lines: 0, netMinor: 0 };
      entry.lines++;
      entry.netMinor += line.direction === "debit" ? Math.abs(line.amountMinor) : -Math.abs(line.amountMinor);
      other.set(line.currency, entry);
    }
  }
  if (!Number.isSafeInteger(debitsMinor) || !Number.isSafeInteger(refundsMinor)) throw new RangeError("budget sum is beyond exact integer range");
  return {
    spentMinor: Math.max(0, debitsMinor - refundsMinor),
    debitsMinor,
    refundsMinor,
    counted,
    excluded,
    otherCurrencies: [...other.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
