import type { Categorisation } from "@expenzez/categoriser";
import { type TransactionInput, transactionIdFor } from "@expenzez/db";
import { fromMinor } from "@expenzez/money";
import type { Transaction as TrueLayerTransaction } from "@expenzez/truelayer";

export interface MapContext {
  userId: string;
  connectionId: string;
  accountId: string;
  status: "booked" | "pending";
  now: string;
}

/** Our id for a TrueLayer transaction: stable across syncs (TrueLayer's `transaction_id` is not). */
export function ourTransactionId(accountId: string, tl: TrueLayerTransaction): string {
  return transactionIdFor({
    accountId,
    normalisedProviderTransactionId: tl.normalised_provider_transaction_id,
    providerTransactionId: tl.provider_transaction_id,
    // Minor units, not the decimal: "12.3" and 12.30 must give the same id.
    content: { timestamp: tl.timestamp_utc, amount: tl.signed_amount_minor, currency: tl.currency, description: tl.description },
  });
}

/**
 * A TrueLayer transaction and its categorisation as the item we store. The sign comes from
 * `transaction_type` (card debits arrive positive): money out is negative, in pence and as a
 * decimal that is derived from the pence, so the two never disagree.
 */
export function toStoredTransaction(tl: TrueLayerTransaction, categorisation: Categorisation, ctx: MapContext): TransactionInput {
  const { category, merchant } = categorisation;
  return {
    userId: ctx.userId,
    transactionId: ourTransactionId(ctx.accountId, tl),
    accountId: ctx.accountId,
    connectionId: ctx.connectionId,
    ...(tl.provider_transaction_id ? { providerTransactionId: tl.provider_transaction_id } : {}),
    ...(tl.normalised_provider_transaction_id ? { normalisedProviderTransactionId: tl.normalised_provider_transaction_id } : {}),
    timestamp: tl.timestamp_utc,
    description: tl.description,
    amount: fromMinor(tl.signed_amount_minor, tl.currency),
    amountMinor: tl.signed_amount_minor,
    currency: tl.currency,
    direction: tl.transaction_type === "DEBIT" ? "debit" : "credit",
    status: ctx.status,
    category: {
      primary: category.primary,
      secondary: category.secondary,
      confidence: category.confidence,
      reason: category.reason,
      ...(category.ruleId ? { ruleId: category.ruleId } : {}),
      userModified: false,
    },
    ...(merchant.name ? { merchant: { name: merchant.name } } : {}),
    ...(tl.transaction_category ? { providerCategory: tl.transaction_category } : {}),
    ...(tl.transaction_classification?.length ? { providerClassification: [...tl.transaction_classification] } : {}),
    ...(tl.running_balance?.amount_minor !== undefined ? { runningBalanceMinor: tl.running_balance.amount_minor } : {}),
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}
