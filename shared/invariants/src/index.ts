export { budgetPeriodMisplaced, independentSpent } from "./budgets";
export { checkInvariants } from "./check";
export type { Item } from "./table";
export * from "./types";
