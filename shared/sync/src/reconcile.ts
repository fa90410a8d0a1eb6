import type { Transaction, TransactionInput } from "@expenzez/db";

/** What a sync must write for one account. Unchanged transactions are not written at all. */
export interface Reconciliation {
  added: TransactionInput[];
  /** `next` keeps the stored version (the write is conditional on it) and any user category. */
  changed: { before: Transaction; next: TransactionInput }[];
  /** Pending transactions that settled (under another id) or vanished: soft-deleted, never erased. */
  removed: Transaction[];
  unchanged: number;
}

/** The bank's facts about a transaction; a difference in any of them is a change to store. */
function bankFacts(t: TransactionInput | Transaction): string {
  return JSON.stringify([
    t.timestamp,
    t.description,
    t.amountMinor,
    t.currency,
    t.direction,
    t.status,
    t.transactionType ?? null,
    t.providerCategory ?? null,
    t.providerClassification ?? null,
    t.merchant?.name ?? null,
    t.runningBalanceMinor ?? null,
  ]);
}

function sameCategory(a: TransactionInput["category"], b: Transaction["category"]): boolean {
  return a.primary === b.primary && a.secondary === b.secondary && (a.ruleId ?? null) === (b.ruleId ?? null);
}

/**
 * Diffs what the bank served for one account against what is stored for the same window.
 *
 * - new ids are added;
 * - known ids whose bank facts or (for transactions the user never touched) category changed are
 *   updated, conditional on the stored version; a user's category is kept forever;
 * - stored pending transactions the bank no longer serves are removed (they settled under a new
 *   id, or the hold vanished) — only when the bank's pending list was fetched in full
 *   (`pendingComplete`) and the booked window reaches back to the pending one's date
 *   (`bookedFrom`), so its booked copy, dated at the purchase or later, was fetched too; booked
 *   ones are never removed by a sync;
 * - a soft-deleted one (`deletedAt`) the bank serves again is restored: a change without `deletedAt`;
 * - everything else is unchanged and costs no write.
 *
 * `stored` must hold the account's stored transactions in the fetched window and all its stored
 * pending ones.
 *
 * @example reconcile({ stored, fetched: [...booked, ...pending], pendingComplete: true })
 */
export function reconcile(input: {
  stored: readonly Transaction[];
  fetched: readonly TransactionInput[];
  pendingComplete: boolean;
  /** Start of the booked window fetched (ISO); absent: pending ones of any date may be removed. */
  bookedFrom?: string;
}): Reconciliation {
  const stored = new Map(input.stored.map((t) => [t.transactionId, t]));
  const seen = new Set<string>();
  const result: Reconciliation = { added: [], changed: [], removed: [], unchanged: 0 };

  for (const next of input.fetched) {
    // The bank may list a transaction twice (pending and booked pages overlap): first wins.
    if (seen.has(next.transactionId)) continue;
    seen.add(next.transactionId);
    const before = stored.get(next.transactionId);
    if (!before) {
      result.added.push(next);
      continue;
    }
    const category = before.category.userModified ? before.category : next.category;
    const factsChanged = bankFacts(before) !== bankFacts(next) || before.deletedAt !== undefined;
    const categoryChanged = !before.category.userModified && !sameCategory(next.category, before.category);
    if (!factsChanged && !categoryChanged) {
      result.unchanged++;
      continue;
    }
    result.changed.push({
      before,
      next: {
        ...next,
        category,
        aiInsights: before.aiInsights,
        ...(before.isHidden === undefined ? {} : { isHidden: before.isHidden }),
        createdAt: before.createdAt,
        version: before.version,
      },
    });
  }

  if (input.pendingComplete) {
    const from = input.bookedFrom === undefined ? Number.NEGATIVE_INFINITY : Date.parse(input.bookedFrom);
    for (const t of input.stored) {
      if (t.status === "pending" && !t.deletedAt && !seen.has(t.transactionId) && Date.parse(t.timestamp) >= from) result.removed.push(t);
    }
  }
  return result;
}
