import { type CategoryRule, type CategoryRuleInput, categoryRuleEntity } from "../entities/category-rule";
import { deleteItem, getEntity, putNew, updateVersioned } from "../items";
import { keys, SK_PREFIX } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listAllUserItems, listUserItems } from "./user-items";

/** A user's category rules (learned from re-categorisations, or set by hand). */
export function ruleRepository(db: Db) {
  return {
    get: (userId: string, ruleId: string): Promise<CategoryRule | undefined> => getEntity(db, categoryRuleEntity, keys.rule(userId, ruleId)),
    putNew: (rule: CategoryRuleInput) => putNew(db, categoryRuleEntity, rule),
    updateVersioned: (rule: CategoryRuleInput, expectedVersion: number) => updateVersioned(db, categoryRuleEntity, rule, expectedVersion),
    delete: (userId: string, ruleId: string, expectedVersion?: number) => deleteItem(db, keys.rule(userId, ruleId), expectedVersion),
    listByUser: (userId: string, options: PageOptions = {}): Promise<Page<CategoryRule>> =>
      listUserItems(db, categoryRuleEntity, userId, SK_PREFIX.rule, options),
    /** All of a user's rules, for the categoriser (a user has tens, not thousands). */
    listAllByUser: (userId: string): Promise<CategoryRule[]> => listAllUserItems(db, categoryRuleEntity, userId, SK_PREFIX.rule),
  };
}

export type RuleRepository = ReturnType<typeof ruleRepository>;
