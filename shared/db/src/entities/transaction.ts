import { fromMinor, toMinor } from "@expenzez/money";
import { INDEXES } from "@expenzez/resources";
import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi2Time, gsi3Category, isoUtc, keys, SK_PREFIX, userIdFromPk } from "../keys";
import { currency, id, isoDate, isoDateTime, minor, timestamps, version } from "./common";

/** What kind of money movement it is (the seed's field); `direction` stays the sign. */
export const TRANSACTION_TYPES = ["debit", "credit", "transfer", "fee", "interest"] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

/** Every cadence the recurring detector reports (four_weekly and six_monthly added to the seed's). */
export const RECURRING_FREQUENCIES = ["weekly", "fortnightly", "four_weekly", "monthly", "quarterly", "six_monthly", "yearly"] as const;
export type RecurringFrequency = (typeof RECURRING_FREQUENCIES)[number];

export const transactionCategorySchema = z.object({
  primary: id,
  secondary: z.string().min(1).optional(),
  confidence: z.number().min(0).max(1),
  /** Why: "user", "rule:<ruleId>", "merchant", "provider-category", ... */
  reason: z.string().min(1),
  /** The CategoryRule that decided, when a rule did. */
  ruleId: id.optional(),
  /** When the user set it (with `userModified`). */
  modifiedAt: isoDateTime.optional(),
  /** The user chose it: no categoriser may change it again. */
  userModified: z.boolean().default(false),
});
export type TransactionCategory = z.output<typeof transactionCategorySchema>;

export const transactionSchema = z
  .object({
    userId: id,
    transactionId: id,
    accountId: id,
    connectionId: id,
    providerTransactionId: z.string().min(1).optional(),
    normalisedProviderTransactionId: z.string().min(1).optional(),
    timestamp: isoDateTime,
    description: z.string(),
    /** Decimal for the app; `amountMinor` is the truth (negative for debits, as TrueLayer sends). */
    amount: z.number(),
    amountMinor: minor,
    currency,
    direction: z.enum(["debit", "credit"]),
    status: z.enum(["booked", "pending"]),
    transactionType: z.enum(TRANSACTION_TYPES).optional(),
    /** The user hid it (absent: shown): budgets and insights leave it out. A sync never changes it. */
    isHidden: z.boolean().optional(),
    category: transactionCategorySchema,
    merchant: z.object({ name: z.string().min(1), normalisedName: z.string().min(1).optional() }).optional(),
    /** TrueLayer's own `transaction_category` and `transaction_classification`, kept raw. */
    providerCategory: z.string().optional(),
    providerClassification: z.array(z.string()).optional(),
    runningBalanceMinor: minor.optional(),
    aiInsights: z
      .object({
        /** Set by the recurring detector on a stream's member transactions. */
        isRecurring: z.boolean().optional(),
        recurringStreamId: id.optional(),
        recurringFrequency: z.enum(RECURRING_FREQUENCIES).optional(),
        /** The stream's next expected payment day. */
        nextExpected: isoDate.optional(),
        priceChanged: z.boolean().optional(),
        note: z.string().optional(),
      })
      .optional(),
    /**
     * Soft deletion: set when a pending one vanished from the bank or the user asked to forget a
     * closed account. The item is kept (7 years) but every read path of the repository hides it.
     */
    deletedAt: isoDateTime.optional(),
    deletedReason: z.enum(["vanished", "account_closed"]).optional(),
    version: version.default(1),
    ...timestamps,
  })
  .superRefine((t, ctx) => {
    // The decimal and the minor units must agree exactly, or sums would drift from what the app
    // shows: both ways, since toMinor rounds (12.345 would pass as 1235 one way only).
    let expected: number | undefined;
    let exact = false;
    try {
      expected = toMinor(t.amount, t.currency);
      exact = expected === t.amountMinor && fromMinor(t.amountMinor, t.currency) === t.amount;
    } catch {
      exact = false;
    }
    if (!exact) ctx.addIssue({ code: "custom", path: ["amountMinor"], message: `must equal amount in minor units (${expected})` });
  });
export type Transaction = z.output<typeof transactionSchema>;
export type TransactionInput = z.input<typeof transactionSchema>;

/**
 * What a stored transaction item leaves out because its keys hold it: `userId` (PK),
 * `transactionId` (SK) and `timestamp` (the GSI2 sort key, `<timestamp>#<transactionId>`), so
 * each is stored once instead of three or four times: a smaller item costs less in the table and
 * in both indexes. A timestamp not in the canonical UTC form the key holds stays stored (the key
 * would give it back changed). Items that still carry them read the same.
 */
export function transactionKeyAttributes(item: Record<string, unknown>): { userId?: string; transactionId?: string; timestamp?: string } {
  const out: { userId?: string; transactionId?: string; timestamp?: string } = {};
  if (typeof item.PK === "string") out.userId = userIdFromPk(item.PK);
  if (typeof item.SK === "string" && item.SK.startsWith(SK_PREFIX.transaction)) out.transactionId = item.SK.slice(SK_PREFIX.transaction.length);
  const timeKey = item[INDEXES.byTime.sortKey];
  if (typeof timeKey === "string" && timeKey.includes("#")) out.timestamp = timeKey.slice(0, timeKey.indexOf("#"));
  return out;
}

/** `USER#<id>` / `TRANSACTION#<transactionId>`; GSI2 by time; GSI3 by category and time. */
export const transactionEntity = defineEntity(
  "Transaction",
  transactionSchema,
  (t) => ({
    ...keys.transaction(t.userId, t.transactionId),
    ...gsi2Time(t.userId, t.timestamp, t.transactionId),
    ...gsi3Category(t.userId, t.category.primary, t.timestamp),
  }),
  {
    derived: {
      attributes: ["userId", "transactionId", "timestamp"],
      fromKey: transactionKeyAttributes,
      keepStored: (attribute, t) => attribute === "timestamp" && isoUtc(t.timestamp) !== t.timestamp,
    },
  },
);

/**
 * The attributes of a transaction that a budget sums, as the GSI3 Query projects them.
 * `isHidden` may be absent (older items): absent means shown.
 */
export const budgetLineSchema = z.object({
  transactionId: id,
  timestamp: isoDateTime,
  amountMinor: minor,
  currency,
  direction: z.enum(["debit", "credit"]),
  status: z.enum(["booked", "pending"]),
  category: z.object({ primary: id, secondary: z.string().min(1).optional(), reason: z.string().optional() }),
  isHidden: z.boolean().default(false),
});
export type BudgetLine = z.output<typeof budgetLineSchema>;
/**
 * Top-level attributes to project for a BudgetLine (a nested path would do for `category`, but
 * it is small). `transactionId` and `timestamp` come from the keys (`transactionKeyAttributes`),
 * projected beside them; `timestamp` is still projected for items that store it.
 */
export const BUDGET_LINE_ATTRIBUTES = [
  "PK",
  "SK",
  INDEXES.byTime.sortKey,
  "timestamp",
  "amountMinor",
  "currency",
  "direction",
  "status",
  "category",
  "isHidden",
] as const;
