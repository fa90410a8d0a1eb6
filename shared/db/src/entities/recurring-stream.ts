import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDateTime, minor, timestamps, version } from "./common";
import { RECURRING_FREQUENCIES } from "./transaction";

export const recurringStreamSchema = z.object({
  userId: id,
  streamId: id,
  merchant: z.string().min(1),
  normalisedMerchant: z.string().min(1),
  accountId: id.optional(),
  category: z.string().min(1).optional(),
  frequency: z.enum(RECURRING_FREQUENCIES),
  currency,
  averageAmountMinor: minor,
  lastAmountMinor: minor,
  firstSeenAt: isoDateTime,
  lastSeenAt: isoDateTime,
  nextExpectedAt: isoDateTime,
  status: z.enum(["active", "missed", "ended"]),
  occurrences: z.int().positive(),
  /** Most recent member transactions (bounded: item size). */
  transactionIds: z.array(id).max(60).default([]),
  version: version.default(1),
  ...timestamps,
});
export type RecurringStream = z.output<typeof recurringStreamSchema>;

/** `USER#<id>` / `RECURRING#<streamId>`. */
export const recurringStreamEntity = defineEntity("RecurringStream", recurringStreamSchema, (r) => keys.recurring(r.userId, r.streamId));
