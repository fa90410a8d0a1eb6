import type { CustomRule } from "@expenzez/db";
import type { AlertFacts } from "./alert";

const fold = (s: string) => s.trim().toLowerCase();

/** Whether one rule's condition holds for the alert's facts. A fact the alert lacks never matches. */
export function ruleMatches(rule: CustomRule, facts: AlertFacts): boolean {
  if (rule.field === "amount") {
    if (facts.amountMinor === undefined || typeof rule.value !== "number") return false;
    const amount = Math.abs(facts.amountMinor);
    switch (rule.operator) {
      case "greater_than":
        return amount > rule.value;
      case "less_than":
        return amount < rule.value;
      case "equals":
        return amount === rule.value;
      case "contains":
        return String(amount).includes(String(rule.value));
    }
  }
  const fact = facts[rule.field];
  if (fact === undefined) return false;
  const value = fold(String(rule.value));
  switch (rule.operator) {
    case "equals":
      return fold(fact) === value;
    case "contains":
      return fold(fact).includes(value);
    default:
      // greater_than / less_than have no meaning for text.
      return false;
  }
}

/**
 * The order rules are tried in: enabled only; higher `priority` first; at equal priority
 * `dont_notify` before `notify` (when two rules of equal weight disagree, the quieter one
 * wins); then by `ruleId`, so the order never depends on storage order.
 */
export function orderRules(rules: readonly CustomRule[]): CustomRule[] {
  return rules
    .filter((r) => r.enabled)
    .sort((a, b) => b.priority - a.priority || (a.action === b.action ? 0 : a.action === "dont_notify" ? -1 : 1) || a.ruleId.localeCompare(b.ruleId));
}

/**
 * The first rule in `orderRules` order whose condition holds decides; none: undefined.
 *
 * @example firstMatchingRule([{ ruleId: "r1", field: "merchant", operator: "contains", value: "tfl", action: "dont_notify", priority: 0, enabled: true }], { merchant: "TfL Travel" })?.ruleId // "r1"
 */
export function firstMatchingRule(rules: readonly CustomRule[], facts: AlertFacts): CustomRule | undefined {
  return orderRules(rules).find((r) => ruleMatches(r, facts));
}
