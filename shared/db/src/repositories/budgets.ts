import { type UserBudget, type UserBudgetInput, userBudgetEntity } from "../entities/user-budget";
import { getEntity, putNew, updateVersioned } from "../items";
import { keys, SK_PREFIX } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listAllUserItems, listUserItems } from "./user-items";

/** A user's budgets. */
export function budgetRepository(db: Db) {
  return {
    get: (userId: string, budgetId: string): Promise<UserBudget | undefined> => getEntity(db, userBudgetEntity, keys.budget(userId, budgetId)),
    putNew: (budget: UserBudgetInput) => putNew(db, userBudgetEntity, budget),
    updateVersioned: (budget: UserBudgetInput, expectedVersion: number) => updateVersioned(db, userBudgetEntity, budget, expectedVersion),
    listByUser: (userId: string, options: PageOptions = {}): Promise<Page<UserBudget>> =>
      listUserItems(db, userBudgetEntity, userId, SK_PREFIX.budget, options),
    listAllByUser: (userId: string): Promise<UserBudget[]> => listAllUserItems(db, userBudgetEntity, userId, SK_PREFIX.budget),
  };
}

export type BudgetRepository = ReturnType<typeof budgetRepository>;
