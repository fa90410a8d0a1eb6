export { categorise, categoriseBatch, createCategoriser, ruleCategory, userCategory, type Categoriser, type CategoriseContext } from "./categorise";
export { mapClassification } from "./classification";
export { CategoriserError, InvalidInputError, ModelFormatError } from "./errors";
export {
  LEARNING_AGREEMENT,
  LEARNING_WINDOW,
  alwaysCategorise,
  learnFromEdits,
  planRecategorisation,
  type CategoryEdit,
  type LearningDeps,
  type RecategorisationPlan,
  type RuleDecision,
  type StoredTransaction,
} from "./learning";
export { mapMcc, mccOf } from "./mcc";
export { MERCHANTS, type MerchantEntry } from "./merchants";
export { loadModel, shippedModel, type Model, type ModelFile } from "./model";
export { merchantKey, normaliseMerchant } from "./normalise";
export { CategoryRuleSchema, type CategoryRule } from "./rules";
export { PRIMARIES, SECONDARIES, TAXONOMY, isPrimary, isSecondary, primaryOf, type Primary, type Secondary } from "./taxonomy";
export { findOwnTransfers } from "./transfers";
export type { Categorisation, Reason, TransactionInput } from "./types";
