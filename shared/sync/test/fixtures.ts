import type { Categorisation } from "@expenzez/categoriser";
import { type Transaction, type TransactionInput, transactionEntity } from "@expenzez/db";
import { type TrueLayerTransaction, transactionSchema } from "@expenzez/truelayer";

/** A TrueLayer transaction parsed by the client's own schema, as the sync receives it. */
export function tlTransaction(over: Record<string, unknown> = {}): TrueLayerTransaction {
  return transactionSchema.parse({
    transaction_id: `tl-${Math.random()}`,
    normalised_provider_transaction_id: "ntx-1",
    provider_transaction_id: "ptx-1",
    timestamp: "2026-11-20T10:15:00+00:00",
    description: "TESCO STORES 2231 LEEDS",
    amount: -12.5,
    currency: "GBP",
    transaction_type: "DEBIT",
    transaction_category: "PURCHASE",
    transaction_classification: ["Shopping", "Groceries"],
    merchant_name: "Tesco",
    meta: {},
    ...over,
  });
}

export const groceries: Categorisation = {
  category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.99, reason: "merchant", userModified: false },
  merchant: { name: "Tesco" },
};

export function stored(over: Partial<TransactionInput> & Pick<TransactionInput, "transactionId">): Transaction {
  return transactionEntity.parse({
    userId: "u1",
    accountId: "acc-1",
    connectionId: "conn-1",
    timestamp: "2026-11-20T10:15:00.000Z",
    description: "TESCO STORES 2231 LEEDS",
    amount: -12.5,
    amountMinor: -1250,
    currency: "GBP",
    direction: "debit",
    status: "booked",
    category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.99, reason: "merchant", userModified: false },
    merchant: { name: "Tesco" },
    providerCategory: "PURCHASE",
    providerClassification: ["Shopping", "Groceries"],
    createdAt: "2026-11-20T11:00:00.000Z",
    updatedAt: "2026-11-20T11:00:00.000Z",
    version: 3,
    ...over,
  });
}
