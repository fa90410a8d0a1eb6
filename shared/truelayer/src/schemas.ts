import { toMinor } from "@expenzez/money";
import { z } from "zod";

/**
 * Zod schemas for TrueLayer's Data API v1 and token responses. Tolerant of the documented quirks
 * (numbers sent as strings, missing `status`, empty or absent classification, card debits with
 * positive amounts, unknown extra fields), strict about what the sync relies on: ids, amounts,
 * currency and transaction timestamps. Field names stay TrueLayer's; derived fields end in
 * `_minor` (exact pence via @expenzez/money) or `_utc`.
 */

/**
 * A decimal sent as a JSON number or as a numeric string. Below 10^12 major units, so its minor
 * units (up to 3 decimals) stay exact in a JS number and toMinor never throws out of a parse.
 */
const decimal = z.union([
  z.number().refine((n) => Number.isFinite(n) && Math.abs(n) < 1e12, "not a finite amount below 10^12"),
  z
    .string()
    .trim()
    .regex(/^[+-]?0*\d{1,12}(\.\d+)?$/, "not a decimal below 10^12"),
]);
const currency = z.string().regex(/^[A-Z]{3}$/, "not an ISO 4217 currency code");
const id = z.string().min(1);
/**
 * An account's or card's id goes into every request path for it: far longer than any bank's (tens of
 * characters), and no server would take the request line (a 431 that failed the whole connection).
 */
const accountId = id.max(256);

/** ISO date or date-time; one without an offset is taken as UTC (TrueLayer sends both forms). */
export function toUtcIso(value: string): string | undefined {
  // "YYYY-MM-DD hh:mm" too: Date.parse would read it in the machine's zone.
  const trimmed = value.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d{2}:)/, "$1T");
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const withZone = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Informational timestamps: kept as sent, even when malformed (TrueLayer's own card example is). */
const looseTimestamp = z.string().optional();
const optionalDecimal = decimal.nullish().transform((v) => v ?? undefined);

const minorOf = (value: number | string | undefined, ccy: string) => (value === undefined ? undefined : toMinor(value, ccy));
const num = (value: number | string | undefined) => (value === undefined ? undefined : Number(value));

const transactionBase = z.looseObject({
  transaction_id: id,
  normalised_provider_transaction_id: id.optional(),
  provider_transaction_id: id.optional(),
  // Checked and converted once, in the transform below (a refine here would parse it twice).
  timestamp: z.string(),
  description: z.string().default(""),
  amount: decimal,
  currency,
  transaction_type: z.enum(["DEBIT", "CREDIT"]),
  transaction_category: z.string().default("UNKNOWN"),
  transaction_classification: z.array(z.string()).nullish(),
  merchant_name: z.string().optional(),
  running_balance: z.looseObject({ amount: decimal, currency: currency.optional() }).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A booked or pending transaction (account or card). `signed_amount_minor` is negative for money
 * out and positive for money in, taken from `transaction_type`: card purchases arrive positive.
 * The derived fields complete the object zod just built for this parse (its own, never the
 * input): one object per transaction, not a copy of it (measured: bench/sync/cpu-parts.ts).
 */
export const transactionSchema = transactionBase.transform((t, ctx) => {
  const timestampUtc = toUtcIso(t.timestamp);
  if (timestampUtc === undefined) {
    ctx.issues.push({ code: "custom", message: "not an ISO timestamp", input: t.timestamp, path: ["timestamp"] });
    return z.NEVER;
  }
  const amountMinor = toMinor(t.amount, t.currency);
  const balance = t.running_balance;
  return Object.assign(t, {
    amount: Number(t.amount),
    amount_minor: amountMinor,
    signed_amount_minor: (t.transaction_type === "DEBIT" ? -1 : 1) * Math.abs(amountMinor),
    timestamp_utc: timestampUtc,
    transaction_classification: t.transaction_classification ?? [],
    running_balance:
      balance && Object.assign(balance, { amount: Number(balance.amount), amount_minor: toMinor(balance.amount, balance.currency ?? t.currency) }),
  });
});
export type TrueLayerTransaction = z.output<typeof transactionSchema>;

export const accountSchema = z.looseObject({
  account_id: accountId,
  account_type: z.string().optional(),
  display_name: z.string().default(""),
  currency,
  account_number: z.looseObject({}).optional(),
  provider: z.looseObject({ provider_id: z.string().optional() }).optional(),
  update_timestamp: looseTimestamp,
});
export type Account = z.output<typeof accountSchema>;

export const cardSchema = z.looseObject({
  account_id: accountId,
  card_network: z.string().optional(),
  card_type: z.string().optional(),
  currency,
  display_name: z.string().default(""),
  partial_card_number: z.string().optional(),
  name_on_card: z.string().optional(),
  valid_from: z.string().optional(),
  valid_to: z.string().optional(),
  update_timestamp: looseTimestamp,
  provider: z.looseObject({ provider_id: z.string().optional() }).optional(),
});
export type Card = z.output<typeof cardSchema>;

export const balanceSchema = z
  .looseObject({
    currency,
    current: decimal,
    available: optionalDecimal,
    overdraft: optionalDecimal,
    update_timestamp: looseTimestamp,
  })
  .transform((b) => ({
    ...b,
    current: Number(b.current),
    available: num(b.available),
    overdraft: num(b.overdraft),
    current_minor: toMinor(b.current, b.currency),
    available_minor: minorOf(b.available, b.currency),
    overdraft_minor: minorOf(b.overdraft, b.currency),
  }));
export type Balance = z.output<typeof balanceSchema>;

/** Card balance: `available` is a string in the spec and a number in its example; both work. */
export const cardBalanceSchema = z
  .looseObject({
    currency,
    current: decimal,
    available: optionalDecimal,
    credit_limit: optionalDecimal,
    last_statement_balance: optionalDecimal,
    last_statement_date: z.string().optional(),
    payment_due: optionalDecimal,
    payment_due_date: z.string().optional(),
    update_timestamp: looseTimestamp,
  })
  .transform((b) => ({
    ...b,
    current: Number(b.current),
    available: num(b.available),
    credit_limit: num(b.credit_limit),
    last_statement_balance: num(b.last_statement_balance),
    payment_due: num(b.payment_due),
    current_minor: toMinor(b.current, b.currency),
    available_minor: minorOf(b.available, b.currency),
    credit_limit_minor: minorOf(b.credit_limit, b.currency),
    last_statement_balance_minor: minorOf(b.last_statement_balance, b.currency),
    payment_due_minor: minorOf(b.payment_due, b.currency),
  }));
export type CardBalance = z.output<typeof cardBalanceSchema>;

export const meSchema = z.looseObject({
  client_id: z.string().optional(),
  credentials_id: z.string().optional(),
  consent_status: z.string().optional(),
  consent_status_updated_at: z.string().optional(),
  consent_created_at: z.string().optional(),
  consent_expires_at: z.string().optional(),
  provider: z.looseObject({ provider_id: z.string().optional(), display_name: z.string().optional() }).optional(),
  scopes: z.array(z.string()).optional(),
});
export type Me = z.output<typeof meSchema>;

export const standingOrderSchema = z
  .looseObject({
    frequency: z.string(),
    status: z.string().optional(),
    timestamp: z.string(),
    currency: currency.optional(),
    next_payment_date: z.string().optional(),
    next_payment_amount: optionalDecimal,
    first_payment_date: z.string().optional(),
    first_payment_amount: optionalDecimal,
    final_payment_date: z.string().optional(),
    final_payment_amount: optionalDecimal,
    payee: z.string().optional(),
    reference: z.string().optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((s) => ({
    ...s,
    next_payment_amount: num(s.next_payment_amount),
    first_payment_amount: num(s.first_payment_amount),
    final_payment_amount: num(s.final_payment_amount),
    next_payment_amount_minor: minorOf(s.next_payment_amount, s.currency ?? "GBP"),
  }));
export type StandingOrder = z.output<typeof standingOrderSchema>;

export const directDebitSchema = z
  .looseObject({
    direct_debit_id: id,
    timestamp: z.string(),
    name: z.string(),
    status: z.string().optional(),
    previous_payment_timestamp: z.string().optional(),
    previous_payment_amount: optionalDecimal,
    currency: currency.optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .transform((d) => ({
    ...d,
    previous_payment_amount: num(d.previous_payment_amount),
    previous_payment_amount_minor: minorOf(d.previous_payment_amount, d.currency ?? "GBP"),
  }));
export type DirectDebit = z.output<typeof directDebitSchema>;

/** `{ results: [...], status? }`: `status` is often missing on synchronous calls. */
export function resultsOf<T extends z.ZodType>(item: T) {
  return z.looseObject({ results: z.array(item), status: z.string().optional() });
}

export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
  token_type: z.string().default("Bearer"),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/** TrueLayer's error body; everything optional because gateways answer with anything. */
export const errorBodySchema = z.looseObject({
  error: z.string().optional(),
  error_description: z.string().optional(),
  error_details: z.unknown().optional(),
});

export const infoSchema = z.looseObject({
  full_name: z.string().optional(),
  update_timestamp: looseTimestamp,
});
export type Info = z.output<typeof infoSchema>;

/** The 202 of an `?async=true` call. */
export const asyncResponseSchema = z.looseObject({
  results_uri: z.string().min(1),
  status: z.string(),
  task_id: id,
});

const batchItem = <B extends z.ZodType>(balance: B) =>
  z.looseObject({
    account_id: id,
    transactions: z.array(transactionSchema).optional(),
    pending_transactions: z.array(transactionSchema).optional(),
    balance: balance.optional(),
  });

/** `GET /batch/results`: transactions, pending and balances per account and card. */
export const batchResultsSchema = z.looseObject({
  status: z.string(),
  task_id: id,
  results: z.looseObject({
    accounts: z.array(batchItem(balanceSchema)).optional(),
    cards: z.array(batchItem(cardBalanceSchema)).optional(),
  }),
});

/** `POST /connections/extend`: new tokens, or a link the user must follow. */
export const extendConnectionResponseSchema = z.discriminatedUnion("action_needed", [
  z.looseObject({
    action_needed: z.literal("no_action_needed"),
    access_token: z.string(),
    expires_in: z.number(),
    refresh_token: z.string(),
    token_type: z.string(),
  }),
  z.looseObject({ action_needed: z.literal("authentication_needed"), user_input_link: z.string() }),
  z.looseObject({ action_needed: z.literal("reconfirmation_of_consent_needed"), user_input_link: z.string() }),
]);
