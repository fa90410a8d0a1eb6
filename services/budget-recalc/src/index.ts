export type { BudgetDeps } from "./deps";
export * from "./errors";
export { CONSUMER, handleBudgetEvent, requestOf } from "./handler";
export { MAX_RECALC_ATTEMPTS, type RecalcRequest, type RecalcSummary, recalculateBudgets } from "./recalc";
export { type RolloverSummary, rollOverEndedPeriods } from "./rollover";
export { budgetRecalc, budgetRollover } from "./service";
