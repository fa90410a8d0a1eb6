import { TTL_ATTRIBUTE } from "@expenzez/resources";
import { z } from "zod";
import { defineEntity } from "../entity";
import { keys } from "../keys";
import { epochSeconds, id, isoDateTime } from "./common";

/** One re-categorisation by the user: the categoriser learns rules from the latest few per merchant. */
export const categoryEditSchema = z.object({
  userId: id,
  transactionId: id,
  /** The transaction's merchant as shown to the user. */
  merchant: z.string().min(1),
  /** The categoriser's `merchantKey(merchant)`: edits of one merchant share it whatever the spelling. */
  merchantKey: id,
  primary: id,
  secondary: z.string().min(1),
  editedAt: isoDateTime,
  /** Edits older than the learner's window matter no more: kept about a year. */
  expiresAt: epochSeconds,
});
export type CategoryEdit = z.output<typeof categoryEditSchema>;

/** `USER#<id>` / `EDIT#<merchantKey>#<editedAt>#<transactionId>`, with TTL. */
export const categoryEditEntity = defineEntity("CategoryEdit", categoryEditSchema, (e) => ({
  ...keys.categoryEdit(e.userId, e.merchantKey, e.editedAt, e.transactionId),
  [TTL_ATTRIBUTE]: e.expiresAt,
}));
