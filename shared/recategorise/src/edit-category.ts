import {
  isSecondary,
  LEARNING_WINDOW,
  learnFromEdits,
  merchantKey,
  normaliseMerchant,
  primaryOf,
  type RuleDecision,
  type Secondary,
  userCategory,
} from "@expenzez/categoriser";
import { categoryEditEntity, type Transaction, transactionEntity, txPutNew, txPutVersioned } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { commitWithEvents, retryOnConflict } from "@expenzez/runtime";
import { decideAndApply, merchantRuleId } from "./apply-rule";
import type { RecategoriseDeps } from "./deps";
import { InvalidCategoryError, TransactionNotFoundError } from "./errors";
import { bookingDay } from "./stored-transaction";

/** Edits are kept about a year: far longer than the learner's window of five needs. */
const EDIT_TTL_SECONDS = 400 * 86_400;

export interface EditResult {
  transaction: Transaction;
  /** Whether the edit made (or changed) a rule for the merchant. */
  decision: RuleDecision;
  /** Other transactions the new rule re-categorised. */
  recategorised: string[];
}

/**
 * The user sets a transaction's category. The transaction is marked `userModified` (no
 * categoriser or sync changes it again), the edit is recorded, and a TransactionsRecategorised
 * event is committed with it so budgets recompute. When 3 of the user's last 5 edits for the
 * merchant agree, a rule is created or updated and applied to their other transactions.
 * Setting the category the user already chose for it writes nothing (no edit, no event): a
 * replay is a no-op, and the rule step runs again as it would have. An edit that agrees with the
 * merchant's rule applies that rule again, so a retry finishes what a failed first call began.
 *
 * @example await editTransactionCategory(deps, { userId, transactionId, secondary: "food_and_drink/coffee_shops" })
 */
export async function editTransactionCategory(
  deps: RecategoriseDeps,
  input: { userId: string; transactionId: string; secondary: string; correlationId?: string },
): Promise<EditResult> {
  if (!isSecondary(input.secondary)) throw new InvalidCategoryError(input.secondary);
  const secondary: Secondary = input.secondary;
  const primary = primaryOf(secondary);
  const now = (deps.now?.() ?? new Date()).toISOString();

  const { saved, merchant } = await retryOnConflict(
    async () => {
      const tx = await deps.repos.transactions.get(input.userId, input.transactionId);
      if (!tx) throw new TransactionNotFoundError(input.userId, input.transactionId);
      const merchant = tx.merchant?.name ?? normaliseMerchant(tx.description);
      // The user's choice already (a retried request, a second tap): writing it again would add
      // a vote, so one transaction edited three times would teach a rule for the merchant.
      if (tx.category.userModified && tx.category.secondary === secondary) return { saved: tx, merchant };
      const updated = {
        ...tx,
        category: { ...userCategory(secondary), modifiedAt: now },
        updatedAt: now,
      };
      const key = merchantKey(merchant);
      const actions = [txPutVersioned(deps.db, transactionEntity, updated, tx.version)];
      // A description with no merchant in it teaches nothing about merchants.
      if (key) {
        actions.push(
          txPutNew(deps.db, categoryEditEntity, {
            userId: input.userId,
            transactionId: tx.transactionId,
            merchant,
            merchantKey: key,
            primary,
            secondary,
            editedAt: now,
            expiresAt: Math.floor(Date.parse(now) / 1000) + EDIT_TTL_SECONDS,
          }),
        );
      }
      const day = bookingDay(tx);
      const event = buildEvent("TransactionsRecategorised", {
        userId: input.userId,
        ruleId: null,
        transactionIds: [tx.transactionId],
        categories: [...new Set([tx.category.primary, primary])].sort(),
        range: { from: day, to: day },
        ...(input.correlationId ? { correlationId: input.correlationId } : {}),
      });
      await commitWithEvents(deps, actions, [event]);
      return { saved: transactionEntity.parse({ ...updated, version: tx.version + 1 }), merchant };
    },
    { what: `edit of ${input.transactionId}` },
  );

  const key = merchantKey(merchant);
  if (!key) return { transaction: saved, decision: { action: "none" }, recategorised: [] };
  const edits = await deps.repos.categoryEdits.latestForMerchant(input.userId, key, LEARNING_WINDOW);
  // Edits stored before a taxonomy change may name a retired category: they no longer vote.
  const votes = edits.flatMap((e) => (isSecondary(e.secondary) ? [{ ...e, secondary: e.secondary }] : []));
  const { decision, recategorised } = await decideAndApply(
    deps,
    { userId: input.userId, merchant, secondary, ...(input.correlationId ? { correlationId: input.correlationId } : {}) },
    (rules) => learnFromEdits(input.userId, merchant, votes, rules, { now: () => now, newRuleId: deps.newId ?? (() => merchantRuleId(merchant)) }),
  );
  return { transaction: saved, decision, recategorised };
}
