export { type CategoryRule, CategoryRuleSchema } from "./category-rule";
export * from "./taxonomy";
