import type { StoredTransaction } from "@expenzez/categoriser";
import type { Transaction } from "@expenzez/db";

/** A stored transaction in the TrueLayer-like shape the categoriser reads. */
export function toCategoriserInput(tx: Transaction): StoredTransaction {
  return {
    transactionId: tx.transactionId,
    userId: tx.userId,
    accountId: tx.accountId,
    timestamp: tx.timestamp,
    description: tx.description,
    amount: tx.amount,
    currency: tx.currency,
    transaction_type: tx.direction === "debit" ? "DEBIT" : "CREDIT",
    transaction_category: tx.providerCategory ?? null,
    transaction_classification: tx.providerClassification ?? null,
    merchant: tx.merchant ? { name: tx.merchant.name } : null,
    category: tx.category,
    userModified: tx.category.userModified,
  };
}

/** The booking day of a transaction, for event ranges. */
export function bookingDay(tx: Pick<Transaction, "timestamp">): string {
  return new Date(tx.timestamp).toISOString().slice(0, 10);
}
