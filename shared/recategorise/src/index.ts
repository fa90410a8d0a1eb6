export { alwaysCategoriseMerchant, applyRuleDecision } from "./apply-rule";
export type { RecategoriseDeps } from "./deps";
export { type EditResult, editTransactionCategory } from "./edit-category";
export * from "./errors";
