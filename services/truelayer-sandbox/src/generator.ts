import { addDays, eachDay, isMonthlyPaymentDay, laterDay } from "./calendar";
import { BILLS, EMPLOYERS, LANDLORDS, MERCHANTS, type Merchant, pickMerchant, priceOn, SUBSCRIPTIONS } from "./merchants";
import { hexId, type Rng, rng } from "./random";

/** What a user's bank looks like; everything else is derived from it and the seed. */
export interface UserSpec {
  userId: string;
  seed: string;
  /** Bank accounts: the first is a current account, the second savings, the rest current. */
  accounts: number;
  cards: number;
  /** How far back the history goes from the day the user was created. */
  historyDays: number;
  /** First day with transactions. */
  historyStart: string;
  providerId: string;
}

export type AccountKind = "current" | "savings" | "card";

export interface SimAccount {
  id: string;
  kind: AccountKind;
  index: number;
  displayName: string;
  openingMinor: number;
  overdraftMinor: number;
  creditLimitMinor: number;
  number: string;
  sortCode: string;
  partialCardNumber: string;
}

/** One transaction as the simulated bank knows it, before it is dressed as TrueLayer JSON. */
export interface SimTransaction {
  /** Stable identity: the normalised provider id is derived from it. */
  key: string;
  /** Day the transaction is booked under. */
  day: string;
  /** When it was authorised (ISO); it is invisible before. */
  at: string;
  description: string;
  /** Magnitude in pence; the sign is applied when served. */
  amountMinor: number;
  type: "DEBIT" | "CREDIT";
  category: string;
  classification: string[];
  merchantName?: string;
  providerCategory: string;
  /** Hours from `at` until it books; 0 books at once (direct debits, salary). */
  settleAfterHours: number;
  /** Added to the amount when it books (a tip). */
  tipMinor?: number;
  /** A hold: it never books and vanishes from pending when it would have settled. */
  vanishes?: boolean;
  /** Admin-added hostile data: JSON fields served over the generated ones. */
  raw?: Record<string, unknown>;
  /** Admin-added: JSON fields left out. */
  omit?: readonly string[];
}

/** Profile numbers of a user, all derived from the seed. */
export interface Profile {
  salaryMinor: number;
  salaryDay: number;
  rentMinor: number;
  employer: string;
  landlord: string;
  bills: typeof BILLS;
}

export function profileOf(spec: UserSpec): Profile {
  const r = rng(spec.seed, spec.userId, "profile");
  const rentMinor = r.int(70, 160) * 1000;
  return {
    rentMinor,
    // Earns enough to cover rent and life, so balances stay plausible over years.
    salaryMinor: rentMinor + r.int(2600, 3600) * 100 + r.int(0, 99),
    salaryDay: r.int(24, 28),
    employer: r.pick(EMPLOYERS),
    landlord: r.pick(LANDLORDS),
    bills: BILLS.filter((b) => b.name === "Council Tax" || r.chance(0.8)),
  };
}

export function accountsOf(spec: UserSpec): SimAccount[] {
  const out: SimAccount[] = [];
  for (let i = 0; i < spec.accounts; i++) {
    const kind: AccountKind = i === 1 ? "savings" : "current";
    out.push(account(spec, kind, i));
  }
  for (let i = 0; i < spec.cards; i++) out.push(account(spec, "card", i));
  return out;
}

function account(spec: UserSpec, kind: AccountKind, index: number): SimAccount {
  const r = rng(spec.seed, spec.userId, kind, index);
  const names = { current: index === 0 ? "Club Lloyds" : `Joint Account ${index}`, savings: "Easy Saver", card: "Club Credit Card" };
  return {
    id: hexId(32, spec.seed, spec.userId, kind, index),
    kind,
    index,
    displayName: names[kind],
    openingMinor: kind === "card" ? 0 : r.int(500, 5000) * 100,
    overdraftMinor: kind === "current" ? r.pick([50000, 100000, 150000]) : 0,
    creditLimitMinor: kind === "card" ? r.pick([150000, 330000, 500000]) : 0,
    number: String(r.int(10_000_000, 99_999_999)),
    sortCode: `${r.int(10, 99)}-${r.int(10, 99)}-${r.int(10, 99)}`,
    partialCardNumber: String(r.int(1000, 9999)),
  };
}

/**
 * Every transaction of one account on one day. Pure: the same (seed, user, account, day) always
 * gives the same list, so history is generated on demand and nothing is kept in memory.
 */
export function generateDay(spec: UserSpec, accounts: readonly SimAccount[], acct: SimAccount, day: string): SimTransaction[] {
  if (day < spec.historyStart) return [];
  const r = rng(spec.seed, spec.userId, acct.id, day);
  const out: Omit<SimTransaction, "key">[] = [];
  const profile = profileOf(spec);
  const has = (kind: AccountKind) => accounts.some((a) => a.kind === kind);
  if (acct.kind === "current" && acct.index === 0) mainAccountDay(spec, profile, r, day, has("savings"), has("card"), out);
  else if (acct.kind === "current") jointAccountDay(r, day, out);
  else if (acct.kind === "savings") savingsDay(spec, r, day, out);
  else cardDay(spec, acct, r, day, out, true);
  return out.map((t, i) => ({ ...t, key: `${acct.id}:${day}:${i}` }));
}

type Draft = Omit<SimTransaction, "key">;

const midnight = (day: string) => `${day}T00:00:00.000Z`;
const timeOfDay = (r: Rng, day: string) =>
  `${day}T${String(r.int(7, 21)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}.000Z`;

function mainAccountDay(spec: UserSpec, p: Profile, r: Rng, day: string, savings: boolean, card: boolean, out: Draft[]): void {
  if (isMonthlyPaymentDay(day, p.salaryDay)) {
    out.push(booked(day, `${p.employer} SALARY`, p.salaryMinor, "CREDIT", "CREDIT", [], "BGC"));
  }
  if (isMonthlyPaymentDay(day, 1)) {
    out.push(booked(day, `${p.landlord} RENT`, p.rentMinor, "DEBIT", "STANDING_ORDER", ["Home", "Rent"], "SO"));
  }
  for (const bill of p.bills) {
    if (bill.months && !bill.months.includes(Number(day.slice(5, 7)))) continue;
    if (isMonthlyPaymentDay(day, bill.dueDay)) {
      out.push(booked(day, bill.description, priceOn(bill, day), "DEBIT", bill.category, [...bill.classification], "DD", bill.name));
    }
  }
  if (savings && isMonthlyPaymentDay(day, 26)) {
    out.push(booked(day, "TRANSFER TO EASY SAVER", savingsTransferMinor(spec, day), "DEBIT", "TRANSFER", [], "TFR"));
  }
  const statement = card && isMonthlyPaymentDay(day, 20) ? cardStatementMinor(spec, account(spec, "card", 0), day) : 0;
  if (statement > 0) {
    out.push(booked(day, "LLOYDS CREDIT CARD PAYMENT", statement, "DEBIT", "BILL_PAYMENT", ["Bills and Utilities", "Credit card"], "DD"));
  }
  if (isMonthlyPaymentDay(day, 15)) out.push(booked(day, "MONTHLY ACCOUNT FEE", 300, "DEBIT", "FEE_CHARGE", ["Fees & Charges", "Bank fee"], "FEE"));
  for (let i = r.int(0, 3); i > 0; i--) out.push(...purchase(r, day, pickMerchant(r, MERCHANTS)));
  if (r.chance(0.05)) {
    out.push({
      ...booked(
        day,
        `CASH LNK ${r.pick(["BARCLAYS", "NATWEST", "SAINSBURYS BANK"])} ${day.slice(8, 10)}${MONTHS[Number(day.slice(5, 7)) - 1]}`,
        r.pick([1000, 2000, 5000, 10000]),
        "DEBIT",
        "ATM",
        ["Personal Services", "ATM"],
        "CPT",
      ),
      at: timeOfDay(r, day),
    });
  }
  if (r.chance(0.015)) {
    const merchant = pickMerchant(r, MERCHANTS);
    out.push({
      ...booked(
        day,
        `REFUND ${merchant.name.toUpperCase()}`,
        r.int(merchant.minMinor, merchant.maxMinor),
        "CREDIT",
        "CREDIT",
        [...merchant.classification],
        "DEB",
        merchant.name,
      ),
      at: timeOfDay(r, day),
    });
  }
  if (r.chance(0.01)) {
    const amount = r.int(1000, 8000);
    out.push({ ...booked(day, "AMAZON.DE AMAZON EU SARL", amount, "DEBIT", "PURCHASE", ["Shopping", "General"], "DEB", "Amazon"), at: timeOfDay(r, day) });
    out.push(booked(day, "NON-STERLING TRANSACTION FEE", Math.round(amount * 0.0299), "DEBIT", "FEE_CHARGE", ["Fees & Charges", "Foreign fee"], "FEE"));
  }
}

function jointAccountDay(r: Rng, day: string, out: Draft[]): void {
  if (isMonthlyPaymentDay(day, 2)) out.push(booked(day, "TRANSFER FROM J DOE", 50000, "CREDIT", "TRANSFER", [], "TFR"));
  if (r.chance(0.3)) out.push(...purchase(r, day, pickMerchant(r, MERCHANTS)));
}

function savingsDay(spec: UserSpec, r: Rng, day: string, out: Draft[]): void {
  if (isMonthlyPaymentDay(day, 26)) {
    out.push(booked(day, "TRANSFER FROM CLUB LLOYDS", savingsTransferMinor(spec, day), "CREDIT", "TRANSFER", [], "TFR"));
  }
  if (day.endsWith("-01")) out.push(booked(day, "INTEREST PAID", r.int(50, 900), "CREDIT", "INTEREST", [], "INT"));
}

function cardDay(spec: UserSpec, acct: SimAccount, r: Rng, day: string, out: Draft[], withPayment: boolean): void {
  const statement = withPayment && acct.index === 0 && isMonthlyPaymentDay(day, 20) ? cardStatementMinor(spec, acct, day) : 0;
  if (statement > 0) out.push(booked(day, "PAYMENT RECEIVED - THANK YOU", statement, "CREDIT", "CREDIT", [], "PAYMENT"));
  for (const sub of SUBSCRIPTIONS) {
    if (isMonthlyPaymentDay(day, sub.dueDay)) {
      out.push({
        ...booked(day, sub.description, priceOn(sub, day), "DEBIT", sub.category, [...sub.classification], "PURCHASE", sub.name),
        settleAfterHours: 24,
      });
    }
  }
  for (let i = r.chance(0.5) ? r.int(1, 2) : 0; i > 0; i--) {
    out.push(...purchase(r, day, pickMerchant(r, CARD_MERCHANTS)));
  }
}

const CARD_MERCHANTS = MERCHANTS.filter((x) => x.onCard);
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

function booked(
  day: string,
  description: string,
  amountMinor: number,
  type: "DEBIT" | "CREDIT",
  category: string,
  classification: string[],
  providerCategory: string,
  merchantName?: string,
): Draft {
  return { day, at: midnight(day), description, amountMinor, type, category, classification, providerCategory, settleAfterHours: 0, merchantName };
}

/** A card purchase: pending for a day or three, maybe with a tip or a hold that vanishes. */
function purchase(r: Rng, day: string, merchant: Merchant): Draft[] {
  const amountMinor = r.int(merchant.minMinor, merchant.maxMinor);
  const at = timeOfDay(r, day);
  const base: Draft = {
    day,
    at,
    // Terminal noise: some banks append the card's last digits or the payment method.
    description: r.chance(0.2) ? `${merchant.describe(r)} CD ${r.int(1000, 9999)}` : merchant.describe(r),
    amountMinor,
    type: "DEBIT",
    category: merchant.category,
    classification: [...merchant.classification],
    merchantName: merchant.name,
    providerCategory: "DEB",
    settleAfterHours: r.int(20, 72),
  };
  const s = merchant.settlement;
  if (s.kind === "tip" && r.chance(0.5)) return [{ ...base, tipMinor: Math.round((amountMinor * r.int(5, s.maxPercent)) / 100) }];
  if (s.kind === "hold") return [{ ...base, amountMinor: s.holdMinor, vanishes: true, settleAfterHours: r.int(24, 60) }, base];
  return [base];
}

function savingsTransferMinor(spec: UserSpec, day: string): number {
  return rng(spec.seed, spec.userId, "savings", day.slice(0, 7)).int(2, 8) * 5000;
}

/**
 * The credit card statement for the month before `day`'s: last month's generated card debits
 * (tips in, vanished holds out). The first card's is paid on the 20th, so its balance stays
 * bounded over years of history; the balance endpoint reports the same figure as `payment_due`.
 * Computed without payments, so there is no recursion; admin-added transactions are not on it.
 */
export function cardStatementMinor(spec: UserSpec, card: SimAccount, day: string): number {
  const monthStart = `${addDays(`${day.slice(0, 7)}-01`, -1).slice(0, 7)}-01`;
  const monthEnd = addDays(`${day.slice(0, 7)}-01`, -1);
  let total = 0;
  for (const d of eachDay(laterDay(monthStart, spec.historyStart), monthEnd)) {
    const drafts: Draft[] = [];
    cardDay(spec, card, rng(spec.seed, spec.userId, card.id, d), d, drafts, false);
    for (const t of drafts) if (t.type === "DEBIT" && !t.vanishes) total += t.amountMinor + (t.tipMinor ?? 0);
  }
  return total;
}
