import type { Primary, Secondary } from "./taxonomy";

/**
 * A TrueLayer-shaped transaction as the categoriser reads it (not @expenzez/db's stored `CategorisableTransaction`). Every field is optional and
 * loosely typed on purpose: the categoriser never throws on odd input, it falls back to `other`.
 */
export interface CategorisableTransaction {
  transactionId?: string;
  accountId?: string;
  timestamp?: string;
  description?: string | null;
  amount?: number | string | null;
  currency?: string | null;
  transaction_type?: string | null;
  transaction_category?: string | null;
  transaction_classification?: readonly string[] | null;
  merchant_name?: string | null;
  meta?: Record<string, unknown> | null;
  /** Set when the user re-categorised it: the categoriser keeps `category` as it is. */
  userModified?: boolean;
  /** The stored category, read only when `userModified` is true. */
  category?: { primary?: string; secondary?: string } | null;
}

/** Which pipeline step decided; recorded as `category.reason`. */
export type Reason =
  | "user_modified"
  | "user_rule"
  | "bank_signal"
  | "own_transfer"
  | "merchant"
  | "brand"
  | "classification"
  | "mcc"
  | "lexicon"
  | "model"
  | "fallback";

export interface Categorisation {
  category: {
    primary: Primary;
    secondary: Secondary;
    /** Calibrated: of the transactions given 0.9, about 90% are right. */
    confidence: number;
    reason: Reason;
    /** True only when the user's own category was kept; the data layer sets it on re-categorisation. */
    userModified: boolean;
    ruleId?: string;
  };
  merchant: { name: string };
}
