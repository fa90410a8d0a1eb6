import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { currency, id, isoDate, minor, timestamps, version } from "./common";
import { RECURRING_FREQUENCIES } from "./transaction";

/** One payment as the recurring detector keeps it: about 60 bytes. */
export const recurringHistoryEntrySchema = z.object({
  transactionId: id,
  date: isoDate,
  /** Signed, as stored on the transaction. */
  amountMinor: minor,
  currency,
  /** The `aiInsights` last written to the transaction, so unchanged ones are not written again. */
  streamId: id.optional(),
  frequency: z.enum(RECURRING_FREQUENCIES).optional(),
  nextExpected: isoDate.optional(),
});
export type RecurringHistoryEntry = z.output<typeof recurringHistoryEntrySchema>;

/** Entries one history item keeps (about 120 KB, far below DynamoDB's 400 KB): the detector keeps the newest. */
export const RECURRING_HISTORY_MAX_ENTRIES = 2000;

/**
 * A user's payments at one merchant over the detector's look-back (about 13 months), so a
 * re-evaluation reads one item instead of the user's whole history (ADR 0030).
 */
export const recurringHistorySchema = z.object({
  userId: id,
  merchantId: id,
  merchantKey: z.string().min(1),
  merchant: z.string().min(1),
  /** Oldest first; bounded so the item stays far below DynamoDB's 400 KB. */
  entries: z.array(recurringHistoryEntrySchema).max(RECURRING_HISTORY_MAX_ENTRIES),
  version: version.default(1),
  ...timestamps,
});
export type RecurringHistory = z.output<typeof recurringHistorySchema>;
export type RecurringHistoryInput = z.input<typeof recurringHistorySchema>;

/** `USER#<id>` / `RECHIST#<merchantId>`. */
export const recurringHistoryEntity = defineEntity("RecurringHistory", recurringHistorySchema, (h) => keys.recurringHistory(h.userId, h.merchantId));
