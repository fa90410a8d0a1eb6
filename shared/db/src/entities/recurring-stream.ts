import { z } from "zod";
import { defineEntity } from "../entity";
import { gsi4RecurringDue, keys } from "../keys";
import { currency, id, isoDate, isoDateTime, minor, timestamps, version } from "./common";
import { RECURRING_FREQUENCIES } from "./transaction";

/**
 * `early`/`mature`/`tombstoned` are the recurring detector's statuses; `active`, `missed` and
 * `ended` are the seed's and stay readable.
 */
export const RECURRING_STATUSES = ["early", "mature", "tombstoned", "active", "missed", "ended"] as const;

export const recurringStreamSchema = z.object({
  userId: id,
  streamId: id,
  merchant: z.string().min(1),
  normalisedMerchant: z.string().min(1),
  /** The detector's merchant id (`RECHIST#<merchantId>`); stream ids start with it. */
  merchantId: id.optional(),
  direction: z.enum(["debit", "credit"]).optional(),
  accountId: id.optional(),
  category: z.string().min(1).optional(),
  frequency: z.enum(RECURRING_FREQUENCIES),
  currency,
  /** Positive pence; `direction` says which way the money goes. */
  averageAmountMinor: minor,
  lastAmountMinor: minor,
  usualAmountMinor: minor.optional(),
  amountToleranceMinor: minor.optional(),
  amountKind: z.enum(["fixed", "varying", "changed"]).optional(),
  firstSeenAt: isoDateTime,
  lastSeenAt: isoDateTime,
  nextExpectedAt: isoDateTime,
  /** `nextExpected ± tolerance` as days. */
  windowFrom: isoDate.optional(),
  windowTo: isoDate.optional(),
  toleranceDays: z.int().nonnegative().optional(),
  confidence: z.number().min(0).max(1).optional(),
  status: z.enum(RECURRING_STATUSES),
  occurrences: z.int().positive(),
  /** Most recent member transactions (bounded: item size). */
  transactionIds: z.array(id).max(60).default([]),
  /** What has been announced, so each event goes out once per occurrence. */
  announced: z
    .object({
      detected: z.boolean().default(false),
      priceChangeTransactionId: id.optional(),
      missedFor: isoDate.optional(),
    })
    .default({ detected: false }),
  version: version.default(1),
  ...timestamps,
});
export type RecurringStream = z.output<typeof recurringStreamSchema>;
export type RecurringStreamInput = z.input<typeof recurringStreamSchema>;

/**
 * `USER#<id>` / `RECURRING#<streamId>`. A stream still expecting payments sits in the sparse due
 * index (GSI4 `RECURDUE#<shard>` / the last on-time day) that the missed-payment pass reads.
 */
export const recurringStreamEntity = defineEntity("RecurringStream", recurringStreamSchema, (r) => ({
  ...keys.recurring(r.userId, r.streamId),
  ...((r.status === "early" || r.status === "mature") && r.windowTo ? gsi4RecurringDue(r.streamId, r.windowTo) : {}),
}));
