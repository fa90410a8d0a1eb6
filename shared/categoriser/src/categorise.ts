import { brandCategory } from "./brands";
import { mapClassification, topClassPrimaries } from "./classification";
import { creditKind, depositSignal, merchantCredit, PAYOUT_WORDS, REFUND_WORDS, taxRefundSignal } from "./credits";
import { directionOf, magnitudeOf } from "./direction";
import { modelFeatures, transactionFeatures } from "./features";
import { hashedConfidence, hashedFeatures, scorePrimaries } from "./hashed-model";
import { lexiconCategory, lexiconWord } from "./lexicon";
import { mapMcc, mccOf } from "./mcc";
import { type Model, modelConfidence, predict, shippedModel } from "./model";
import { parseDescription } from "./normalise";
import { type CategoryRule, type CompiledRule, compileRules, matchRule, ruleSubject } from "./rules";
import { bankSignal, cashMachineSignal } from "./signals";
import { isSecondary, primaryOf, type Secondary } from "./taxonomy";
import { findOwnTransfers } from "./transfers";
import type { CategorisableTransaction, Categorisation, Reason } from "./types";

/** What the categoriser knows about the user. Rules are per user: pass only this user's. */
export interface CategoriseContext {
  /** When given, rules belonging to any other user are ignored: nothing leaks across users. */
  userId?: string;
  /** The user's CategoryRules; they win over everything else. */
  rules?: readonly CategoryRule[];
  /** The user's own account ids, so moves between them are transfers (batch only). */
  ownAccounts?: readonly string[];
  /** A model other than the shipped one (tests, experiments). */
  model?: Model;
}

/** User rules are the user's own words: as sure as anything can be, but not certainty. */
const USER_RULE_CONFIDENCE = 0.99;
/** Confidence when the measured table lacks a step (an older model file). */
const DEFAULT_STEP_CONFIDENCE = 0.5;
const FALLBACK: Secondary = "other/uncategorised";
/** A category word's score at which it is "strong" (one specific word at the end of the name): see lexiconConfidence. */
const STRONG_NAME = 0.95;
/**
 * The regression's probability below which a guess from parts of words alone (no word naive Bayes
 * knows) says nothing: about four times the 1/21 of a uniform guess. Chosen on the hand calibration
 * set (guesses from 0.2 up were right 6 times in 13 there, below it 0 in 1).
 */
const HASHED_ALONE_MIN = 0.2;

/** A categoriser bound to one user's context; reuse it across batches to compile rules once. */
export interface Categoriser {
  categorise(tx: CategorisableTransaction): Categorisation;
  categoriseBatch(txs: readonly CategorisableTransaction[]): Categorisation[];
}

/**
 * Binds the pipeline to a user's rules, accounts and a model.
 *
 * @example
 * const c = createCategoriser({ rules, ownAccounts: ["acc-1", "acc-2"] });
 * const results = c.categoriseBatch(transactions);
 */
export function createCategoriser(context: CategoriseContext = {}): Categoriser {
  const userId = context.userId;
  const rules = compileRules((context.rules ?? []).filter((r) => userId === undefined || r.userId === userId));
  const model = context.model ?? shippedModel();
  const own = new Set(context.ownAccounts ?? []);
  return {
    categorise: (tx) => categoriseOne(tx, rules, model, false),
    categoriseBatch: (txs) => {
      if (!Array.isArray(txs)) return [];
      const transfers = findOwnTransfers(txs, own);
      return txs.map((tx, i) => categoriseOne(tx, rules, model, transfers.has(i)));
    },
  };
}

/**
 * Categorises one TrueLayer-shaped transaction. Never throws: odd input gets `other`.
 *
 * @example
 * categorise({ description: "CARD PAYMENT TO TESCO STORES 3297 ON 12 MAR", amount: -12.5, currency: "GBP",
 *   transaction_type: "DEBIT", transaction_category: "PURCHASE" })
 * // { category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.99, reason: "merchant",
 * //   userModified: false }, merchant: { name: "Tesco" } }
 */
export function categorise(tx: CategorisableTransaction, context: CategoriseContext = {}): Categorisation {
  return createCategoriser(context).categorise(tx);
}

/**
 * Categorises a batch; with `ownAccounts` it also pairs transfers between the user's accounts
 * (same amount in minor units, opposite directions, different accounts, within a day).
 *
 * @example categoriseBatch(txs, { ownAccounts: ["acc-current", "acc-savings"], rules })
 */
export function categoriseBatch(txs: readonly CategorisableTransaction[], context: CategoriseContext = {}): Categorisation[] {
  return createCategoriser(context).categoriseBatch(txs);
}

function categoriseOne(input: CategorisableTransaction, rules: CompiledRule[], model: Model, ownTransfer: boolean): Categorisation {
  // Anything that is not an object (null, a string) is treated as an empty transaction.
  const tx: CategorisableTransaction = input !== null && typeof input === "object" ? input : {};
  const parsed = parseDescription(tx.description, tx.merchant_name, tx.transaction_category);
  const merchant = { name: parsed.name };
  const kept = keptUserCategory(tx);
  if (kept) return { category: userCategory(kept), merchant };

  const direction = directionOf(tx);
  const steps = model.steps;

  if (rules.length > 0) {
    const hit = matchRule(rules, ruleSubject(tx, parsed.name));
    if (hit) return { category: ruleCategory(hit.rule), merchant };
  }

  const signal =
    bankSignal(tx.transaction_category, direction) ??
    cashMachineSignal(parsed.tokens, direction) ??
    depositSignal(parsed.tokens, direction, tx.transaction_category) ??
    taxRefundSignal(parsed.tokens, direction);
  if (signal) return outcome(signal, "bank_signal", steps["bank_signal"] ?? DEFAULT_STEP_CONFIDENCE, merchant);
  if (ownTransfer) return outcome("transfers/own_accounts", "own_transfer", steps["own_transfer"] ?? DEFAULT_STEP_CONFIDENCE, merchant);

  const kind = direction === "CREDIT" ? creditKind(parsed.tokens) : "plain";
  if (parsed.entry) {
    const own = subLineOf(parsed.entry.secondary, parsed.match, parsed.merchantTokens);
    const secondary = direction === "DEBIT" ? own : merchantCredit(own, parsed.entry.creditSecondary, kind);
    return outcome(secondary, "merchant", steps["merchant"] ?? DEFAULT_STEP_CONFIDENCE, merchant);
  }
  if (parsed.brand) {
    const own = brandCategory(parsed.brand, parsed.brandTokens, tx.transaction_category, parsed.tokens);
    const secondary = direction === "DEBIT" ? own : merchantCredit(own, undefined, kind);
    return outcome(secondary, "brand", steps["brand"] ?? DEFAULT_STEP_CONFIDENCE, merchant);
  }

  const classified = mapClassification(tx.transaction_classification);
  // A top class alone ("Shopping") says less than a category word in the name (`BUTCHERS`); a
  // subclass says more, unless the name ends in a fully specific word of another primary
  // (`SUMUP *THE OLD FORGE DENTAL` with a subclass of "Amusement": the classification is the one that is wrong).
  const named = parsed.personal ? undefined : lexiconCategory(parsed.merchantTokens);
  const namedOverrules =
    named !== undefined && classified !== undefined && named.score >= STRONG_NAME && primaryOf(named.secondary) !== primaryOf(classified.secondary);
  if (classified && !(classified.level === "top" && named) && !namedOverrules) {
    const confidence = steps[`classification_${classified.level}`] ?? DEFAULT_STEP_CONFIDENCE;
    if (classified.level === "top") {
      // A top class alone narrows the choice; the model picks within it ("Shopping" at a deli is groceries).
      const allowed = topClassPrimaries(tx.transaction_classification);
      const guess = allowed.length > 1 ? predict(model, transactionFeatures(tx, parsed.tokens, direction)) : undefined;
      if (guess && allowed.includes(guess.primary)) return outcome(guess.secondary, "classification", confidence, merchant);
    }
    return outcome(classified.secondary, "classification", confidence, merchant);
  }

  const mcc = mccOf(tx.meta);
  const fromMcc = mcc === undefined ? undefined : mapMcc(mcc);
  if (fromMcc) return outcome(fromMcc, "mcc", steps["mcc"] ?? DEFAULT_STEP_CONFIDENCE, merchant);

  // A refund from a merchant nobody knows: what was bought decides, read as the purchase it reverses.
  const refund = kind === "refund";
  // Words in the name that say what the business is (`PATELS BUTCHERS`); not on payments to people.
  if (named && (!refund || isSpending(named.secondary))) {
    return outcome(named.secondary, "lexicon", lexiconConfidence(steps, named.score), merchant);
  }
  // A withdrawal or payout from a merchant nobody knows: a betting firm's is gambling (as a known
  // bookmaker's is), anything else stays income. What the merchant is decides, read as a purchase there.
  if (kind === "payout" && model.hashed && parsed.merchantTokens.length > 0) {
    const asPurchase = modelFeatures(
      parsed.tokens.filter((t) => !PAYOUT_WORDS.has(t)),
      "DEBIT",
      "PURCHASE",
      magnitudeOf(tx),
    );
    const merchantWords = parsed.merchantTokens.filter((t) => !PAYOUT_WORDS.has(t));
    const { primary, probability } = scorePrimaries(model.hashed, hashedFeatures(asPurchase, merchantWords, model.hashed.mask));
    if (primary === "gambling") {
      const within = predict(model, asPurchase, primary);
      const secondary = within?.primary === primary ? within.secondary : model.hashed.config.defaultSecondary[primary];
      if (secondary) return outcome(secondary, "model", hashedConfidence(model.hashed, probability), merchant);
    }
  }
  const tokens = refund ? parsed.tokens.filter((t) => !REFUND_WORDS.has(t)) : parsed.tokens;
  const features = transactionFeatures(tx, tokens, refund ? "DEBIT" : direction);
  if (model.hashed && parsed.merchantTokens.length > 0) {
    // The logistic regression picks the primary (it reads parts of words too); naive Bayes the secondary within it.
    const { primary, probability } = scorePrimaries(model.hashed, hashedFeatures(features, parsed.merchantTokens, model.hashed.mask));
    const within = predict(model, features, primary);
    // From parts of words alone (no word naive Bayes knows) its guess is still returned unless it is
    // near-uniform, at the low confidence its calibration gives such guesses (so the app asks the
    // user): such a guess is right more often than `other`, which is right only when nothing is.
    const clear = within !== undefined || probability >= HASHED_ALONE_MIN;
    const chosen = within && within.primary === primary ? within.secondary : model.hashed.config.defaultSecondary[primary];
    if (chosen && clear) {
      const secondary = refund && !isSpending(chosen) ? "income/refunds" : chosen;
      return outcome(secondary, "model", hashedConfidence(model.hashed, probability), merchant);
    }
  }
  const prediction = predict(model, features);
  if (prediction) {
    const secondary = refund && !isSpending(prediction.secondary) ? "income/refunds" : prediction.secondary;
    return outcome(secondary, "model", modelConfidence(model, prediction.score), merchant);
  }
  if (refund) return outcome("income/refunds", "fallback", steps["fallback"] ?? 0.1, merchant);

  return outcome(FALLBACK, "fallback", steps["fallback"] ?? 0.1, merchant);
}

/**
 * The category the user chose for a transaction: certain, and never changed by the pipeline.
 * The one shape for the categoriser keeping it and for recording a user's edit.
 *
 * @example userCategory("food_and_drink/coffee_shops") // { primary: "food_and_drink", ..., confidence: 1, reason: "user_modified", userModified: true }
 */
export function userCategory(secondary: Secondary): Categorisation["category"] {
  return { primary: primaryOf(secondary), secondary, confidence: 1, reason: "user_modified", userModified: true };
}

/**
 * The category a user's rule gives a transaction: the one shape for the pipeline's rule step
 * and for re-categorising stored transactions when a rule is learned.
 *
 * @example ruleCategory(rule) // { primary, secondary, confidence: 0.99, reason: "user_rule", userModified: false, ruleId }
 */
export function ruleCategory(rule: Pick<CategoryRule, "ruleId" | "category">): Categorisation["category"] {
  return { ...outcome(rule.category.secondary, "user_rule", USER_RULE_CONFIDENCE, { name: "" }).category, ruleId: rule.ruleId };
}

function outcome(secondary: Secondary, reason: Reason, confidence: number, merchant: { name: string }): Categorisation {
  return { category: { primary: primaryOf(secondary), secondary, confidence, reason, userModified: false }, merchant };
}

/** Retailers whose other lines (a café, a pharmacy, petrol, clothing) are sold under the same name. */
const MULTI_LINE: ReadonlySet<string> = new Set(["groceries", "shopping"]);

/**
 * A retailer's sub-line named after its alias (`TESCO CAFE`, `ASDA PHARMACY`, `MORRISONS CLOTHING`):
 * a specific category word after the dictionary's alias picks it; otherwise the entry's category.
 */
function subLineOf(secondary: Secondary, match: { start: number; length: number } | undefined, tokens: readonly string[]): Secondary {
  if (!match || !MULTI_LINE.has(primaryOf(secondary))) return secondary;
  for (let i = match.start + match.length; i < tokens.length; i++) {
    const word = lexiconWord(tokens[i]!);
    if (word && word.weight >= 1 && word.secondary !== secondary) return word.secondary;
  }
  return secondary;
}

/** The lexicon's measured precision, by how strong the words were (strong: one specific word at the end). */
function lexiconConfidence(steps: Record<string, number>, score: number): number {
  return (score >= STRONG_NAME ? steps["lexicon_strong"] : steps["lexicon_weak"]) ?? steps["lexicon"] ?? DEFAULT_STEP_CONFIDENCE;
}

/** Primaries a refund can reverse: not income, transfers, savings or cash. */
const NOT_SPENDING: ReadonlySet<string> = new Set(["income", "transfers", "savings_and_investments", "cash", "other"]);

function isSpending(secondary: Secondary): boolean {
  return !NOT_SPENDING.has(primaryOf(secondary));
}

/** A category the user set by hand survives every re-categorisation. */
function keptUserCategory(tx: CategorisableTransaction): Secondary | undefined {
  if (tx.userModified !== true) return undefined;
  const secondary = tx.category?.secondary;
  return isSecondary(secondary) ? secondary : undefined;
}
