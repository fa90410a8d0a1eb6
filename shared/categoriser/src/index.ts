export { ASK_USER_BELOW, type ConfidenceBand, confidenceBand } from "./bands";
export { type CategoriseContext, type Categoriser, categorise, categoriseBatch, createCategoriser, ruleCategory, userCategory } from "./categorise";
export { mapClassification } from "./classification";
export { CategoriserError, InvalidInputError, ModelFormatError } from "./errors";
export { type HashedModel, hashedFeatures, hashFeature, loadHashedModel, scorePrimaries } from "./hashed-model";
export {
  alwaysCategorise,
  LEARNING_AGREEMENT,
  LEARNING_WINDOW,
  type LearningDeps,
  learnFromEdits,
  type MerchantEdit,
  merchantRuleOf,
  planRecategorisation,
  type RecategorisationPlan,
  type RuleDecision,
  type StoredTransaction,
} from "./learning";
export { mapMcc, mccOf } from "./mcc";
export { MERCHANTS, type MerchantEntry } from "./merchants";
export { loadModel, loadModelFiles, type Model, type ModelFile, shippedModel } from "./model";
export { merchantKey, normaliseMerchant } from "./normalise";
export { type CategoryRule, CategoryRuleSchema } from "./rules";
export { isPrimary, isSecondary, PRIMARIES, type Primary, primaryOf, SECONDARIES, type Secondary, TAXONOMY } from "./taxonomy";
export { findOwnTransfers } from "./transfers";
export type { CategorisableTransaction, Categorisation, Reason } from "./types";
