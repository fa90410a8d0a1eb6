import type { BankAccountInput, BankConnectionInput, CategoryRuleInput, TransactionInput, UserBudgetInput } from "../src";
import { transactionIdFor } from "../src";

export const NOW = "2024-03-15T12:00:00.000Z";

export function aConnection(overrides: Partial<BankConnectionInput> = {}): BankConnectionInput {
  return {
    userId: "user-1",
    connectionId: "conn-1",
    providerId: "ob-monzo",
    status: "active",
    accessToken: "at_PLAINTEXT_ACCESS_TOKEN_123",
    refreshToken: "rt_PLAINTEXT_REFRESH_TOKEN_456",
    tokenExpiresAt: "2024-03-15T13:00:00Z",
    consentExpiresAt: "2024-06-13T12:00:00Z",
    nextSyncAt: "2024-03-15T11:00:00Z",
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function anAccount(overrides: Partial<BankAccountInput> = {}): BankAccountInput {
  return {
    userId: "user-1",
    accountId: "acc-1",
    connectionId: "conn-1",
    type: "TRANSACTION",
    displayName: "Current account",
    currency: "GBP",
    accountNumber: "31926819",
    sortCode: "60-16-13",
    iban: "GB29NWBK60161331926819",
    balance: { currentMinor: 123456, current: 1234.56, availableMinor: 100000, available: 1000, updatedAt: NOW },
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

let seq = 0;
/** A booked debit of `amountMinor` pence (negative, as TrueLayer sends debits). */
export function aTransaction(overrides: Partial<TransactionInput> & { pence?: number } = {}): TransactionInput {
  const { pence = -1250, ...rest } = overrides;
  seq += 1;
  const timestamp = rest.timestamp ?? "2024-03-10T09:00:00Z";
  const accountId = rest.accountId ?? "acc-1";
  const normalisedProviderTransactionId = rest.normalisedProviderTransactionId ?? `ntx-${seq}`;
  const transactionId =
    rest.transactionId ??
    transactionIdFor({ accountId, normalisedProviderTransactionId, content: { timestamp, amount: pence / 100, currency: "GBP", description: "x" } });
  return {
    userId: "user-1",
    transactionId,
    accountId,
    connectionId: "conn-1",
    normalisedProviderTransactionId,
    timestamp,
    description: "TESCO STORES 1234",
    amount: pence / 100,
    amountMinor: pence,
    currency: "GBP",
    direction: pence < 0 ? "debit" : "credit",
    status: "booked",
    category: { primary: "groceries", confidence: 0.9, reason: "merchant" },
    merchant: { name: "Tesco" },
    createdAt: NOW,
    updatedAt: NOW,
    ...rest,
  };
}

export function aBudget(overrides: Partial<UserBudgetInput> = {}): UserBudgetInput {
  return {
    userId: "user-1",
    budgetId: "budget-1",
    category: "groceries",
    period: "monthly",
    currency: "GBP",
    limitMinor: 30000,
    currentPeriod: { start: "2024-03-01T00:00:00Z", end: "2024-04-01T00:00:00Z" },
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

export function aRule(overrides: Partial<CategoryRuleInput> = {}): CategoryRuleInput {
  return {
    userId: "user-1",
    ruleId: "rule-1",
    match: { merchant: "Pret A Manger" },
    category: { primary: "food_and_drink", secondary: "food_and_drink/coffee_shops" },
    source: "learned",
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}
