import { createHash } from "node:crypto";
import {
  alwaysCategorise,
  type CategoryRule,
  isSecondary,
  merchantKey,
  merchantRuleOf,
  planRecategorisation,
  type RuleDecision,
  ruleCategory,
  type Secondary,
} from "@expenzez/categoriser";
import { ConditionalCheckFailedError, keys, type Transaction, transactionEntity, txCheckVersion, txPutVersioned, VersionConflictError } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import { commitWithEvents, retryOnConflict } from "@expenzez/runtime";
import type { RecategoriseDeps } from "./deps";
import { InvalidCategoryError } from "./errors";
import { bookingDay, toCategoriserInput } from "./stored-transaction";

/** Transactions re-categorised per DynamoDB transaction: 100 actions, with the rule's version check and the outbox event. */
const PAGE = 98;

type Rule = Extract<RuleDecision, { rule: unknown }>["rule"];

/**
 * Stores a rule decision and re-categorises the user's other transactions it matches, page by
 * page, each page committed with its own TransactionsRecategorised event. `userModified`
 * transactions are never touched. Returns the ids it changed.
 */
export async function applyRuleDecision(
  deps: RecategoriseDeps,
  decision: Exclude<RuleDecision, { action: "none" }>,
  correlationId?: string,
): Promise<string[]> {
  const { rule } = decision;
  if (decision.action === "create") await deps.repos.rules.putNew(rule);
  else await deps.repos.rules.updateVersioned(rule, rule.version - 1);
  deps.log.info({ userId: rule.userId, ruleId: rule.ruleId, action: decision.action, source: rule.source }, "category rule saved");
  return applyRule(deps, rule, correlationId);
}

/**
 * The user's stored rule for `merchant`, applied again when it already says `secondary`: a
 * call that saved the rule and failed before re-categorising every page is finished by its
 * retry, whose decision is then "none". Pages already done change nothing.
 */
export async function reapplyMerchantRule(
  deps: RecategoriseDeps,
  input: { userId: string; merchant: string; secondary: string; rules: readonly CategoryRule[]; correlationId?: string },
): Promise<string[]> {
  const rule = merchantRuleOf(input.userId, input.merchant, input.rules);
  if (rule?.category.secondary !== input.secondary) return [];
  return applyRule(deps, rule, input.correlationId);
}

/**
 * Re-categorises the user's transactions the rule matches, page by page (each page one commit
 * with its event, conditional on the rule's version). Stops when another call changed the rule:
 * that call applies its own version, and pages of the old one must not land after its.
 */
async function applyRule(deps: RecategoriseDeps, rule: Rule, correlationId?: string): Promise<string[]> {
  const changed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.repos.transactions.listByUser(rule.userId, { limit: PAGE, cursor });
    const done = await recategorisePage(deps, rule, page.items, correlationId);
    if (done === "superseded") {
      deps.log.info({ userId: rule.userId, ruleId: rule.ruleId, version: rule.version }, "category rule changed by another call: it applies the newer version");
      break;
    }
    changed.push(...done);
    cursor = page.cursor;
  } while (cursor);
  return changed;
}

async function recategorisePage(deps: RecategoriseDeps, rule: Rule, page: Transaction[], correlationId?: string): Promise<string[] | "superseded"> {
  let current = page;
  return retryOnConflict<string[] | "superseded">(
    async () => {
      const plan = planRecategorisation(rule, current.map(toCategoriserInput));
      if (plan.changes.length === 0) return [];
      const byId = new Map(current.map((t) => [t.transactionId, t]));
      const now = (deps.now?.() ?? new Date()).toISOString();
      const targets = plan.changes.map((c) => byId.get(c.transactionId)!);
      const ruleUnchanged = txCheckVersion(deps.db, keys.rule(rule.userId, rule.ruleId), rule.version);
      const actions = targets.map((tx) =>
        txPutVersioned(
          deps.db,
          transactionEntity,
          {
            ...tx,
            category: ruleCategory(rule),
            updatedAt: now,
          },
          tx.version,
        ),
      );
      const days = targets.map(bookingDay).sort();
      const event = buildEvent("TransactionsRecategorised", {
        userId: rule.userId,
        ruleId: rule.ruleId,
        transactionIds: targets.map((t) => t.transactionId),
        categories: plan.categories,
        range: { from: days[0]!, to: days[days.length - 1]! },
        ...(correlationId ? { correlationId } : {}),
      });
      try {
        await commitWithEvents(deps, [...actions, ruleUnchanged], [event]);
      } catch (err) {
        if ((await deps.repos.rules.get(rule.userId, rule.ruleId))?.version !== rule.version) return "superseded";
        // Re-read this page so the next attempt decides on fresh versions and categories.
        current = await deps.repos.transactions.getMany(
          rule.userId,
          page.map((t) => t.transactionId),
        );
        throw err;
      }
      return targets.map((t) => t.transactionId);
    },
    { what: `rule ${rule.ruleId}` },
  );
}

/** A new merchant rule's id, from the merchant: two calls that both create it write one item (the second is refused). */
export function merchantRuleId(merchant: string): string {
  return `m-${createHash("sha256").update(merchantKey(merchant)).digest("base64url").slice(0, 22)}`;
}

/** Decisions taken again after losing a race for the merchant's rule, before giving up. */
const MAX_DECISIONS = 3;

/**
 * Decides from the user's rules (`decide`) and applies the decision. When another call saved the
 * merchant's rule in between (a double tap, two devices: the same new rule id, or a newer
 * version), it decides again from that rule as stored now, so one rule stands, the later
 * choice wins and nobody gets a version conflict.
 */
export async function decideAndApply(
  deps: RecategoriseDeps,
  input: { userId: string; merchant: string; secondary: string; correlationId?: string },
  decide: (rules: readonly CategoryRule[]) => RuleDecision,
): Promise<{ decision: RuleDecision; recategorised: string[] }> {
  let rules: readonly CategoryRule[] = await deps.repos.rules.listAllByUser(input.userId);
  for (let attempt = 1; ; attempt++) {
    const decision = decide(rules);
    try {
      const recategorised =
        decision.action === "none" ? await reapplyMerchantRule(deps, { ...input, rules }) : await applyRuleDecision(deps, decision, input.correlationId);
      return { decision, recategorised };
    } catch (err) {
      const lostRace = err instanceof ConditionalCheckFailedError || err instanceof VersionConflictError;
      if (!lostRace || decision.action === "none" || attempt >= MAX_DECISIONS) throw err;
      // A consistent read: the listing may not show the other call's write yet.
      const stored = await deps.repos.rules.get(input.userId, decision.rule.ruleId);
      rules = [...rules.filter((r) => r.ruleId !== decision.rule.ruleId), ...(stored ? [stored] : [])];
    }
  }
}

/**
 * "Always categorise this merchant as…": creates or updates the user's merchant rule at once
 * and applies it to their transactions of that merchant.
 *
 * @example await alwaysCategoriseMerchant(deps, { userId, merchant: "Joe's Cafe", secondary: "food_and_drink/coffee_shops" })
 */
export async function alwaysCategoriseMerchant(
  deps: RecategoriseDeps,
  input: { userId: string; merchant: string; secondary: string; correlationId?: string },
): Promise<{ decision: RuleDecision; recategorised: string[] }> {
  if (!isSecondary(input.secondary)) throw new InvalidCategoryError(input.secondary);
  const now = (deps.now?.() ?? new Date()).toISOString();
  return decideAndApply(deps, input, (rules) =>
    alwaysCategorise(input.userId, input.merchant, input.secondary as Secondary, rules, {
      now: () => now,
      newRuleId: deps.newId ?? (() => merchantRuleId(input.merchant)),
    }),
  );
}
