import type { Frequency } from "./cadence";

/** One transaction as the detector needs it (TrueLayer-shaped or stored ones map onto this). */
export interface RecurringInput {
  /** Stable id (ours for stored transactions, `transaction_id` in the CLI). */
  id: string;
  /** ISO date or date-time; the booking day is the date part as the bank wrote it. */
  timestamp: string;
  /** Signed integer minor units: negative money out, positive money in (as TrueLayer sends). */
  amountMinor: number;
  currency: string;
  description: string;
  /**
   * The merchant's display name when already normalised (stored transactions'
   * `merchant.name`); otherwise it is derived from the description and `merchantName`.
   */
  merchant?: string;
  /** TrueLayer's `merchant_name`, a hint for normalisation. */
  merchantName?: string;
}

export type Direction = "debit" | "credit";
export type StreamStatus = "early" | "mature" | "tombstoned";
/** Fixed: one price. Varying: bills that move every time (energy, water). Changed: one price, then another. */
export type AmountKind = "fixed" | "varying" | "changed";

export interface PriceChange {
  previousAmountMinor: number;
  newAmountMinor: number;
  /** The first payment at the new amount: the change's identity. */
  transactionId: string;
  date: string;
}

/** A detected stream. Amounts are positive pence; `direction` says which way the money goes. */
export interface DetectedStream {
  /** Deterministic from merchant, direction, currency and first member; `reconcileStreamIds` keeps stored ids. */
  streamId: string;
  merchant: string;
  merchantKey: string;
  direction: Direction;
  currency: string;
  frequency: Frequency;
  status: StreamStatus;
  amountKind: AmountKind;
  averageAmountMinor: number;
  lastAmountMinor: number;
  /** The usual amount: the median of the current price's payments (all payments for varying bills). */
  usualAmountMinor: number;
  /** How far a payment may differ from `usualAmountMinor` before it is a price change. */
  amountToleranceMinor: number;
  firstDate: string;
  lastDate: string;
  /** The next payment's expected day: for a tombstoned stream, the one that never came. */
  nextExpected: string;
  /** `nextExpected ± tolerance`: a payment in this window belongs to the stream. */
  window: { from: string; to: string };
  toleranceDays: number;
  occurrences: number;
  /** Member transactions in time order. */
  transactionIds: string[];
  /** 0..1: how sure the detector is that this is one recurring arrangement. */
  confidence: number;
  /** The latest price change when the stream's current price differs from its previous one. */
  priceChange?: PriceChange;
}

export interface DetectOptions {
  /** The day the history is read at (default: the latest transaction's day). */
  asOf?: string;
  /**
   * Payments dated up to this day are read too (default: `asOf`): a bank may book a payment for a
   * later day than the one it is read on (a weekend's for Monday). Statuses stay as of `asOf`.
   */
  bookedUntil?: string;
}
