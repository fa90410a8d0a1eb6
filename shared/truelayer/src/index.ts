export { InProcessUnattendedBudget, PSD2_UNATTENDED_LIMIT, type UnattendedBudget, utcDay } from "./budget";
export { type CallContext, createTrueLayerClient, type DateRange, type TokenSet, type TrueLayerClient, type TrueLayerClientOptions } from "./client";
export * from "./errors";
export { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retry";
export {
  type Account,
  accountSchema,
  asyncResponseSchema,
  type Balance,
  balanceSchema,
  batchResultsSchema,
  type Card,
  type CardBalance,
  cardBalanceSchema,
  cardSchema,
  type DirectDebit,
  directDebitSchema,
  errorBodySchema,
  extendConnectionResponseSchema,
  type Info,
  infoSchema,
  type Me,
  meSchema,
  resultsOf,
  type StandingOrder,
  standingOrderSchema,
  type Transaction,
  tokenResponseSchema,
  toUtcIso,
  transactionSchema,
} from "./schemas";
