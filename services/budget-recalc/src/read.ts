import { assertTimeZone, type BudgetPeriod, DEFAULT_TIME_ZONE, type SpendTally, scopeOf, tallySpending } from "@expenzez/budgets";
import { type BudgetLine, budgetLineSchema, type UserBudget } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { BudgetDeps } from "./deps";

/** DynamoDB cost and data problems seen in one run, for the log, the demo summary and the bench. */
export interface ReadStats {
  queries: number;
  readUnits: number;
  invalidLines: number;
}

export function emptyReadStats(): ReadStats {
  return { queries: 0, readUnits: 0, invalidLines: 0 };
}

/** The user's IANA zone (profile), or Europe/London when none or an unknown one is set. */
export async function userZone(deps: BudgetDeps, userId: string, log: Logger): Promise<string> {
  const profile = await deps.repos.profiles.get(userId);
  const zone = profile?.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    assertTimeZone(zone);
    return zone;
  } catch {
    log.warn({ userId, zone }, "profile time zone is not an IANA zone; using Europe/London");
    return DEFAULT_TIME_ZONE;
  }
}

/**
 * The exact tally of one budget-period: one GSI3 Query (paged to the end) projected to the
 * attributes that count. A line that fails its schema is logged by id and left out.
 */
export async function tallyPeriod(deps: BudgetDeps, budget: UserBudget, period: BudgetPeriod, stats: ReadStats, log: Logger): Promise<SpendTally> {
  const read = await deps.repos.transactions.budgetLines(budget.userId, budget.category, period);
  stats.queries += read.requests;
  stats.readUnits += read.readUnits;
  const lines: BudgetLine[] = [];
  for (const item of read.items) {
    const parsed = budgetLineSchema.safeParse(item);
    if (parsed.success) lines.push(parsed.data);
    else {
      stats.invalidLines++;
      log.error(
        { budgetId: budget.budgetId, transactionId: item.transactionId, issues: parsed.error.issues.map((i) => i.path.join(".")) },
        "transaction item does not parse; left out of the budget",
      );
    }
  }
  const tally = tallySpending(scopeOf(budget), lines, period);
  if (tally.otherCurrencies.length > 0) {
    log.warn(
      { budgetId: budget.budgetId, currency: budget.currency, period, otherCurrencies: tally.otherCurrencies },
      "transactions in another currency are not counted",
    );
  }
  return tally;
}
