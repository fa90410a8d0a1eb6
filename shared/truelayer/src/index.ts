export { createTrueLayerClient, type TrueLayerClient, type TrueLayerClientOptions, type CallContext, type TokenSet, type DateRange } from "./client";
export * from "./errors";
export { InProcessUnattendedBudget, PSD2_UNATTENDED_LIMIT, type UnattendedBudget, utcDay } from "./budget";
export { DEFAULT_RETRY_POLICY, type RetryPolicy, backoffDelayMs, parseRetryAfter } from "./retry";
export {
  accountSchema,
  asyncResponseSchema,
  batchResultsSchema,
  errorBodySchema,
  extendConnectionResponseSchema,
  infoSchema,
  balanceSchema,
  cardBalanceSchema,
  cardSchema,
  directDebitSchema,
  meSchema,
  resultsOf,
  standingOrderSchema,
  tokenResponseSchema,
  transactionSchema,
  toUtcIso,
  type Account,
  type Balance,
  type Card,
  type CardBalance,
  type DirectDebit,
  type Info,
  type Me,
  type StandingOrder,
  type Transaction,
} from "./schemas";
