import { createHash } from "node:crypto";

/** What identifies a bank transaction across syncs. */
export interface TransactionIdentity {
  accountId: string;
  /** TrueLayer's stable id across calls; preferred. */
  normalisedProviderTransactionId?: string | null | undefined;
  /** The bank's own id; stable for most providers. */
  providerTransactionId?: string | null | undefined;
  /** Last resort when the bank gives neither id. */
  content: { timestamp: string; amount: number | string; currency: string; description: string };
  /**
   * 0 for the first transaction of a list with this identity, 1 for the second, ...: two
   * identical coffees on one day, or two transactions the bank serves under one id, are two.
   */
  occurrence?: number;
}

/**
 * Our `transactionId`: deterministic from the account and the most stable id TrueLayer gives
 * (its own `transaction_id` can change between calls, so it is never used).
 *
 * @example
 * transactionIdFor({ accountId: "acc1", normalisedProviderTransactionId: "ntx-9", content })
 * // "txn_…" (32 hex chars), the same on every sync
 */
export function transactionIdFor(identity: TransactionIdentity): string {
  const basis = identity.normalisedProviderTransactionId
    ? `n:${identity.normalisedProviderTransactionId}`
    : identity.providerTransactionId
      ? `p:${identity.providerTransactionId}`
      : `h:${identity.content.timestamp}|${String(identity.content.amount)}|${identity.content.currency}|${identity.content.description.trim()}`;
  // The first occurrence keeps the id it always had.
  const occurrence = identity.occurrence ? `\n#${identity.occurrence}` : "";
  const digest = createHash("sha256").update(`${identity.accountId}\n${basis}${occurrence}`, "utf8").digest("hex");
  return `txn_${digest.slice(0, 32)}`;
}
