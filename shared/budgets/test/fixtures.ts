import type { BudgetLine, UserBudget } from "@expenzez/db";
import { userBudgetEntity } from "@expenzez/db";

let n = 0;
/** A booked groceries line in GBP; negative pence are debits, as TrueLayer sends them. */
export function line(pence: number, overrides: Partial<BudgetLine> & { secondary?: string } = {}): BudgetLine {
  const { secondary, ...rest } = overrides;
  n++;
  return {
    transactionId: `txn_${n}`,
    timestamp: "2024-03-10T12:00:00.000Z",
    amountMinor: pence,
    currency: "GBP",
    direction: pence < 0 ? "debit" : "credit",
    status: "booked",
    category: { primary: "groceries", secondary: secondary ?? "groceries/supermarkets" },
    isHidden: false,
    ...rest,
  };
}

export function budget(overrides: Partial<UserBudget> = {}): UserBudget {
  return userBudgetEntity.parse({
    userId: "u1",
    budgetId: "b1",
    category: "groceries",
    period: "monthly",
    currency: "GBP",
    limitMinor: 30_000,
    currentPeriod: { start: "2024-03-01T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" },
    createdAt: "2024-03-01T00:00:00.000Z",
    updatedAt: "2024-03-01T00:00:00.000Z",
    ...overrides,
  });
}
