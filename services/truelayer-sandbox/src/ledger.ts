import { fromMinor } from "@expenzez/money";
import { addDays, eachDay, isoDay, laterDay } from "./calendar";
import { generateDay, type SimAccount, type SimTransaction, type UserSpec } from "./generator";
import { hexId } from "./random";

/** What the bank shows of a transaction at a given moment. */
export type Visibility = "hidden" | "pending" | "booked" | "gone";

export function visibilityAt(txn: SimTransaction, nowMs: number): Visibility {
  const at = Date.parse(txn.at);
  if (at > nowMs) return "hidden";
  if (nowMs < at + txn.settleAfterHours * 3_600_000) return "pending";
  return txn.vanishes ? "gone" : "booked";
}

/** The longest a generated transaction stays pending, so pending scans look back only this far. */
const MAX_PENDING_DAYS = 4;

export interface LedgerUser {
  spec: UserSpec;
  accounts: readonly SimAccount[];
  /** Transactions added through the admin API, per account id. */
  added: ReadonlyMap<string, readonly SimTransaction[]>;
}

/** Transactions of `acct` dated between two days (inclusive), generated on the fly. */
export function* transactionsBetween(user: LedgerUser, acct: SimAccount, from: string, to: string): Generator<SimTransaction> {
  for (const day of eachDay(laterDay(from, user.spec.historyStart), to)) yield* generateDay(user.spec, user.accounts, acct, day);
  for (const txn of user.added.get(acct.id) ?? []) if (txn.day >= from && txn.day <= to) yield txn;
}

/** Booked transactions in the date range, newest first (as TrueLayer orders them). */
export function bookedBetween(user: LedgerUser, acct: SimAccount, from: string, to: string, nowMs: number): SimTransaction[] {
  const out: SimTransaction[] = [];
  for (const txn of transactionsBetween(user, acct, from, to)) if (visibilityAt(txn, nowMs) === "booked") out.push(txn);
  return out.sort(newestFirst);
}

export function pendingAt(user: LedgerUser, acct: SimAccount, nowMs: number): SimTransaction[] {
  const today = isoDay(new Date(nowMs));
  const out: SimTransaction[] = [];
  const start = addDays(today, -MAX_PENDING_DAYS);
  const recent = [...eachDay(laterDay(start, user.spec.historyStart), today)].flatMap((day) => generateDay(user.spec, user.accounts, acct, day));
  // Added transactions may stay pending for as long as the test wants.
  for (const txn of [...recent, ...(user.added.get(acct.id) ?? [])]) if (visibilityAt(txn, nowMs) === "pending") out.push(txn);
  return out.sort(newestFirst);
}

function newestFirst(a: SimTransaction, b: SimTransaction): number {
  return a.at < b.at ? 1 : a.at > b.at ? -1 : a.key < b.key ? 1 : -1;
}

/**
 * Signed pence as the account sees it: credits raise a bank account's balance; on a card, debits
 * raise what is owed. Booked amounts include any tip.
 */
export function ledgerMinor(txn: SimTransaction, acct: SimAccount, state: "pending" | "booked"): number {
  const magnitude = txn.amountMinor + (state === "booked" ? (txn.tipMinor ?? 0) : 0);
  const debitSign = acct.kind === "card" ? 1 : -1;
  return txn.type === "DEBIT" ? debitSign * magnitude : -debitSign * magnitude;
}

export interface BalanceMinor {
  currentMinor: number;
  pendingMinor: number;
}

/** Current (booked) and pending totals at `nowMs`, from the whole generated history. */
export function balanceAt(user: LedgerUser, acct: SimAccount, nowMs: number): BalanceMinor {
  const today = isoDay(new Date(nowMs));
  let currentMinor = acct.openingMinor;
  let pendingMinor = 0;
  for (const txn of transactionsBetween(user, acct, "0000-01-01", today)) {
    const seen = visibilityAt(txn, nowMs);
    if (seen === "booked") currentMinor += ledgerMinor(txn, acct, "booked");
    else if (seen === "pending") pendingMinor += ledgerMinor(txn, acct, "pending");
  }
  return { currentMinor, pendingMinor };
}

/** TrueLayer's JSON for one transaction. `salt` changes `transaction_id` between calls when set. */
export function toTrueLayerTransaction(txn: SimTransaction, acct: SimAccount, state: "pending" | "booked", salt: string): Record<string, unknown> {
  const json: Record<string, unknown> = { ...generatedJson(txn, acct, state, salt), ...txn.raw };
  for (const field of txn.omit ?? []) delete json[field];
  return json;
}

function generatedJson(txn: SimTransaction, acct: SimAccount, state: "pending" | "booked", salt: string) {
  const normalised = `${state === "pending" ? "pnd" : "txn"}-${hexId(17, txn.key)}`;
  // Card statements show purchases as positive amounts (TrueLayer's own example does).
  const signed = ledgerMinor(txn, acct, state);
  return {
    transaction_id: hexId(32, normalised, salt),
    normalised_provider_transaction_id: normalised,
    provider_transaction_id: hexId(10, txn.key, state).toUpperCase(),
    timestamp: state === "booked" ? `${txn.day}T00:00:00+00:00` : txn.at.replace(".000Z", "+00:00"),
    description: txn.description,
    amount: fromMinor(signed, "GBP"),
    currency: "GBP" as const,
    transaction_type: txn.type,
    transaction_category: txn.category,
    transaction_classification: txn.classification,
    ...(txn.merchantName ? { merchant_name: txn.merchantName } : {}),
    meta:
      acct.kind === "card"
        ? { provider_transaction_category: txn.providerCategory, cardNumber: `************${acct.partialCardNumber}`, location: "INTERNET" }
        : { provider_category: txn.providerCategory, provider_transaction_category: txn.providerCategory, provider_id: hexId(12, txn.key) },
  };
}
