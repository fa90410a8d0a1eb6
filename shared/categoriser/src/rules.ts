import { type CategoryRule, CategoryRuleSchema } from "@expenzez/taxonomy";
import { amountMinorOf, directionOf } from "./direction";
import { merchantKey } from "./normalise";
import type { CategorisableTransaction } from "./types";

export { type CategoryRule, CategoryRuleSchema };

/** A rule prepared for fast matching: lower-cased texts, a specificity for ordering. */
export interface CompiledRule {
  rule: CategoryRule;
  merchant: string | undefined;
  contains: string | undefined;
  /** The contains-text as `merchantKey` words, so `Joe's  Cafe` finds `JOES CAFE`; undefined when it has no words. */
  containsKey: string | undefined;
  specificity: number;
}

/** What a rule is matched against, computed once per transaction. */
export interface RuleSubject {
  merchantKey: string;
  description: string;
  /** The description as `merchantKey` words (apostrophes, punctuation and spacing folded). */
  descriptionKey: string;
  absMinor: number | undefined;
  accountId: string | undefined;
  direction: "DEBIT" | "CREDIT";
}

/**
 * Orders rules so the most specific (most conditions) wins, then the most recently updated,
 * then explicit over learned.
 */
export function compileRules(rules: readonly CategoryRule[]): CompiledRule[] {
  return rules
    .map((rule) => {
      const m = rule.match;
      const specificity = [m.merchant, m.contains, m.amountMinor, m.accountId, m.direction].filter((c) => c !== undefined).length;
      return {
        rule,
        merchant: m.merchant === undefined ? undefined : merchantKey(m.merchant),
        contains: m.contains?.toLowerCase(),
        containsKey: m.contains === undefined ? undefined : merchantKey(m.contains) || undefined,
        specificity,
      };
    })
    .sort(
      (a, b) =>
        b.specificity - a.specificity ||
        b.rule.updatedAt.localeCompare(a.rule.updatedAt) ||
        (a.rule.source === "explicit" ? -1 : 0) - (b.rule.source === "explicit" ? -1 : 0),
    );
}

/** The first compiled rule whose every condition holds for the subject. */
export function matchRule(rules: readonly CompiledRule[], s: RuleSubject): CompiledRule | undefined {
  for (const r of rules) {
    const m = r.rule.match;
    if (r.merchant !== undefined && r.merchant !== s.merchantKey) continue;
    if (r.contains !== undefined && !s.description.includes(r.contains) && !(r.containsKey !== undefined && s.descriptionKey.includes(r.containsKey))) continue;
    if (m.accountId !== undefined && m.accountId !== s.accountId) continue;
    if (m.direction !== undefined && m.direction !== s.direction) continue;
    if (m.amountMinor !== undefined) {
      if (s.absMinor === undefined) continue;
      if (m.amountMinor.min !== undefined && s.absMinor < m.amountMinor.min) continue;
      if (m.amountMinor.max !== undefined && s.absMinor > m.amountMinor.max) continue;
    }
    return r;
  }
  return undefined;
}

/** The rule subject of a transaction whose merchant name is already known. */
export function ruleSubject(tx: CategorisableTransaction, merchantName: string): RuleSubject {
  const amountMinor = amountMinorOf(tx);
  return {
    merchantKey: merchantKey(merchantName),
    description: typeof tx.description === "string" ? tx.description.toLowerCase() : "",
    descriptionKey: merchantKey(tx.description),
    absMinor: amountMinor === undefined ? undefined : Math.abs(amountMinor),
    accountId: typeof tx.accountId === "string" ? tx.accountId : undefined,
    direction: directionOf(tx, amountMinor),
  };
}
