import { merchantKey, normaliseMerchant } from "./normalise";
import { type CategoryRule, compileRules, matchRule, ruleSubject } from "./rules";
import { type Primary, primaryOf, type Secondary } from "./taxonomy";
import type { CategorisableTransaction } from "./types";

/** How many of the user's latest edits for a merchant are looked at, and how many must agree. */
export const LEARNING_WINDOW = 5;
export const LEARNING_AGREEMENT = 3;

/** One re-categorisation by the user as the learner reads it (the stored item is @expenzez/db's `MerchantEdit`). */
export interface MerchantEdit {
  userId: string;
  transactionId: string;
  /** The transaction's normalised merchant name (`merchant.name`). */
  merchant: string;
  secondary: Secondary;
  editedAt: string;
}

/** What to persist: nothing, a new rule, or a new version of an existing one. */
export type RuleDecision = { action: "none" } | { action: "create" | "update"; rule: CategoryRule };

/** Ids and the clock come from the caller so the logic stays pure and testable. */
export interface LearningDeps {
  now: () => string;
  newRuleId: () => string;
}

/**
 * Decides whether a user's edits for one merchant make a rule: when 3 of their last 5 edits for
 * that merchant agree, a merchant rule is created, or updated when one exists with another
 * category. Only this user's edits and rules are considered.
 *
 * @example
 * const decision = learnFromEdits("u1", "Joes Cafe", edits, rules, { now, newRuleId });
 * if (decision.action !== "none") await saveRule(decision.rule);
 */
export function learnFromEdits(
  userId: string,
  merchant: string,
  edits: readonly MerchantEdit[],
  rules: readonly CategoryRule[],
  deps: LearningDeps,
): RuleDecision {
  const key = merchantKey(merchant);
  if (key === "") return { action: "none" };
  const recent = edits
    .filter((e) => e.userId === userId && merchantKey(e.merchant) === key)
    // By instant, not by text: "12:00+02:00" is earlier than "10:30Z".
    .sort((a, b) => editTime(b) - editTime(a))
    .slice(0, LEARNING_WINDOW);
  const votes = new Map<Secondary, number>();
  for (const e of recent) votes.set(e.secondary, (votes.get(e.secondary) ?? 0) + 1);
  for (const [secondary, count] of votes) {
    if (count >= LEARNING_AGREEMENT) return upsertMerchantRule(userId, merchant, secondary, "learned", rules, deps);
  }
  return { action: "none" };
}

/** An edit's instant in ms; an unreadable timestamp sorts as the oldest. */
function editTime(e: MerchantEdit): number {
  const t = typeof e.editedAt === "string" ? Date.parse(e.editedAt) : Number.NaN;
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * "Always categorise this merchant as…": creates (or updates) the merchant rule at once.
 *
 * @example alwaysCategorise("u1", "Joes Cafe", "food_and_drink/coffee_shops", rules, deps)
 */
export function alwaysCategorise(userId: string, merchant: string, secondary: Secondary, rules: readonly CategoryRule[], deps: LearningDeps): RuleDecision {
  if (merchantKey(merchant) === "") return { action: "none" };
  return upsertMerchantRule(userId, merchant, secondary, "explicit", rules, deps);
}

/**
 * The user's rule for a merchant: the plain merchant rule (narrower ones, by amount or account,
 * are not the merchant's rule), or undefined.
 *
 * @example merchantRuleOf("u1", "Joes Cafe", rules)?.category.secondary
 */
export function merchantRuleOf(userId: string, merchant: string, rules: readonly CategoryRule[]): CategoryRule | undefined {
  const key = merchantKey(merchant);
  if (key === "") return undefined;
  return rules.find(
    (r) =>
      r.userId === userId &&
      r.match.merchant !== undefined &&
      merchantKey(r.match.merchant) === key &&
      Object.values(r.match).filter((v) => v !== undefined).length === 1,
  );
}

function upsertMerchantRule(
  userId: string,
  merchant: string,
  secondary: Secondary,
  source: CategoryRule["source"],
  rules: readonly CategoryRule[],
  deps: LearningDeps,
): RuleDecision {
  const category = { primary: primaryOf(secondary), secondary };
  const existing = merchantRuleOf(userId, merchant, rules);
  const now = deps.now();
  if (!existing) {
    const rule: CategoryRule = { ruleId: deps.newRuleId(), userId, match: { merchant }, category, source, createdAt: now, updatedAt: now, version: 1 };
    return { action: "create", rule };
  }
  // An explicit choice is not downgraded to "learned" by edits that agree with it.
  if (existing.category.secondary === secondary && (existing.source === source || existing.source === "explicit")) {
    return { action: "none" };
  }
  return { action: "update", rule: { ...existing, category, source, updatedAt: now, version: existing.version + 1 } };
}

/** A stored transaction as the planner reads it. */
export interface StoredTransaction extends CategorisableTransaction {
  transactionId: string;
  userId?: string;
  merchant?: { name?: string } | null;
  category?: { primary?: string; secondary?: string; userModified?: boolean } | null;
}

/** The writes a new or updated rule causes, shaped for the TransactionsRecategorised event. */
export interface RecategorisationPlan {
  ruleId: string;
  changes: { transactionId: string; from: { primary?: string; secondary?: string }; to: { primary: Primary; secondary: Secondary } }[];
  /** Every primary that lost or gained a transaction: the budgets to recompute. */
  categories: string[];
  /** Booking dates touched (YYYY-MM-DD), or null when nothing changes. */
  range: { from: string; to: string } | null;
}

/**
 * Which of the user's transactions a rule re-categorises. Never touches `userModified` ones or
 * another user's; skips those already in the rule's category.
 *
 * @example
 * const plan = planRecategorisation(rule, transactions);
 * // write plan.changes, then emit TransactionsRecategorised { ruleId, transactionIds, categories, range }
 */
export function planRecategorisation(rule: CategoryRule, transactions: readonly StoredTransaction[]): RecategorisationPlan {
  const compiled = compileRules([rule]);
  const changes: RecategorisationPlan["changes"] = [];
  const categories = new Set<string>();
  let from: string | undefined;
  let to: string | undefined;
  for (const tx of transactions) {
    if (!tx || tx.category?.userModified === true || tx.userModified === true) continue;
    if (tx.userId !== undefined && tx.userId !== rule.userId) continue;
    if (tx.category?.secondary === rule.category.secondary) continue;
    const name = tx.merchant?.name ?? normaliseMerchant(tx.description, tx.merchant_name);
    if (!matchRule(compiled, ruleSubject(tx, name))) continue;
    changes.push({
      transactionId: tx.transactionId,
      from: { primary: tx.category?.primary, secondary: tx.category?.secondary },
      to: { ...rule.category },
    });
    if (tx.category?.primary) categories.add(tx.category.primary);
    categories.add(rule.category.primary);
    const day = typeof tx.timestamp === "string" ? tx.timestamp.slice(0, 10) : undefined;
    if (day && /^\d{4}-\d{2}-\d{2}$/.test(day)) {
      if (from === undefined || day < from) from = day;
      if (to === undefined || day > to) to = day;
    }
  }
  return {
    ruleId: rule.ruleId,
    changes,
    categories: [...categories].sort(),
    range: from !== undefined && to !== undefined ? { from, to } : null,
  };
}
