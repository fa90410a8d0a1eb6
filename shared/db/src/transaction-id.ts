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
  const digest = createHash("sha256").update(`${identity.accountId}\n${basis}`, "utf8").digest("hex");
  return `txn_${digest.slice(0, 32)}`;
}
