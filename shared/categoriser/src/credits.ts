import type { Direction } from "./direction";
import { primaryOf, type Secondary } from "./taxonomy";

/**
 * What a credit says it is, from its words. Budgets net a refund against the spending it
 * reverses, so a refund from a shop must land in the shop's category, not in income.
 */
export type CreditKind = "refund" | "earnings" | "pension" | "payout" | "plain";

/** Words that make a credit a refund (or a reversal) of an earlier purchase. */
export const REFUND_WORDS: ReadonlySet<string> = new Set([
  "REFUND",
  "REFUNDS",
  "REFUNDED",
  "RFND",
  "REFUNDING",
  "REVERSAL",
  "REVERSED",
  "REVERSE",
  "RETURN",
  "RETURNS",
  "RETURNED",
  "CHARGEBACK",
  "REPAYMENT",
  "REBATE",
  "CANCELLATION",
  "CANCELLED",
]);
/** A merchant paying wages or a pension is income, whatever the merchant sells (not `PAY`: `APPLE PAY`). */
const EARNINGS_WORDS = new Set(["SALARY", "WAGES", "WAGE", "PAYROLL", "BONUS", "EXPENSES"]);
const PENSION_WORDS = new Set(["PENSION", "PENSIONS", "ANNUITY"]);
/** Marketplace and platform payouts: the user sold something or was paid for work. */
export const PAYOUT_WORDS: ReadonlySet<string> = new Set([
  "PAYOUT",
  "PAYOUTS",
  "SETTLEMENT",
  "EARNINGS",
  "COMMISSION",
  "DIVIDEND",
  "SALES",
  "PROCEEDS",
  "WITHDRAWAL",
]);

/** @example creditKind(["ZARA", "UK", "REFUND"]) // "refund" */
export function creditKind(tokens: readonly string[]): CreditKind {
  let kind: CreditKind = "plain";
  for (const t of tokens) {
    if (REFUND_WORDS.has(t)) return "refund";
    if (kind === "plain") {
      if (EARNINGS_WORDS.has(t)) kind = "earnings";
      else if (PENSION_WORDS.has(t)) kind = "pension";
      else if (PAYOUT_WORDS.has(t)) kind = "payout";
    }
  }
  return kind;
}

/** Primaries whose credits are what they say (a benefit, a transfer, savings coming back): never a refund. */
const KEEPS_OWN_CATEGORY: ReadonlySet<string> = new Set(["income", "transfers", "savings_and_investments", "cash", "gambling"]);

/**
 * The category of money coming in from a known merchant.
 *
 * - A refund or reversal takes the merchant's spending category (budgets net it against spending);
 *   a merchant whose credits have their own meaning (`creditSecondary`: HMRC's is a tax repayment,
 *   so `taxes`) keeps that.
 * - Betting firms, savings apps, banks and benefit payers keep their own category: a betting
 *   withdrawal is `gambling`.
 * - Wages, pensions and payouts from a merchant stay income.
 * - A plain credit from a shop is most often a refund: the shop's category.
 *
 * @example merchantCredit("shopping/clothing", undefined, "refund") // "shopping/clothing"
 * @example merchantCredit("shopping/general", undefined, "earnings") // "income/salary"
 */
export function merchantCredit(secondary: Secondary, creditSecondary: Secondary | undefined, kind: CreditKind): Secondary {
  if (KEEPS_OWN_CATEGORY.has(primaryOf(secondary)) && !creditSecondary) return secondary;
  if (kind === "earnings") return "income/salary";
  if (kind === "pension") return "income/pension";
  if (creditSecondary) return creditSecondary;
  if (kind === "payout") return "income/other_income";
  return secondary;
}

/** Words of a deposit of notes or cheques, paid in at a counter, a machine or the Post Office. */
const CHEQUE_WORDS = new Set(["CHEQUE", "CHEQUES", "CHQ", "CHQS"]);
const DEPOSIT_WORDS = new Set(["DEPOSIT", "DEPOSITED", "LODGEMENT", "PAID", "IN", "CREDIT", "CDM"]);
/** TrueLayer categories a bank gives a deposit of notes or a cheque. */
const DEPOSIT_CATEGORIES = new Set(["CASH", "CHEQUE"]);

/**
 * Cash and cheques paid in are `cash/deposits`: the user's own money changing form, not income.
 *
 * @example depositSignal(["CASH", "DEPOSIT", "BRANCH"], "CREDIT", "CREDIT") // "cash/deposits"
 */
export function depositSignal(tokens: readonly string[], direction: Direction, bankCategory: unknown): Secondary | undefined {
  if (direction !== "CREDIT") return undefined;
  if (typeof bankCategory === "string" && DEPOSIT_CATEGORIES.has(bankCategory)) return "cash/deposits";
  let cash = false;
  let deposit = false;
  for (let i = 0; i < tokens.length && i < 6; i++) {
    const t = tokens[i]!;
    if (CHEQUE_WORDS.has(t)) return "cash/deposits";
    if ((t === "COUNTER" && tokens[i + 1] === "CREDIT") || (t === "PAID" && tokens[i + 1] === "IN")) return "cash/deposits";
    if (t === "CASH") cash = true;
    else if (DEPOSIT_WORDS.has(t)) deposit = true;
  }
  return cash && deposit ? "cash/deposits" : undefined;
}

/** Words of a tax repayment when no known tax office is named (`TAX REFUND`, `HMRC` is in the dictionary). */
const TAX_WORDS = new Set(["TAX", "HMRC", "PAYE"]);

/**
 * A refund of tax is `taxes` (it reverses tax paid), not income.
 *
 * @example taxRefundSignal(["TAX", "REFUND"], "CREDIT") // "taxes/income_tax"
 */
export function taxRefundSignal(tokens: readonly string[], direction: Direction): Secondary | undefined {
  if (direction !== "CREDIT") return undefined;
  let tax = false;
  let refund = false;
  for (const t of tokens) {
    if (TAX_WORDS.has(t)) tax = true;
    else if (REFUND_WORDS.has(t)) refund = true;
  }
  return tax && refund ? "taxes/income_tax" : undefined;
}
