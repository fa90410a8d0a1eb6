export type { RecurringDeps } from "./deps";
export * from "./errors";
export { type EvaluationSummary, handleRecurringMessage, reevaluateMerchants } from "./handler";
export { eventIdFor, merchantIdOf } from "./ids";
export { reportMissedPayments } from "./missed";
export { type MerchantPlan, type MerchantState, planMerchant } from "./plan";
export { PREDICTIONS_TTL_DAYS, UPCOMING_DAYS, upcomingBills } from "./predictions";
export { refreshUpcomingBills } from "./predictions-store";
export { recurringSummary } from "./summary";
