import { AccountNotFoundError, type CallContext, type TrueLayerClient, type Transaction as TrueLayerTransaction } from "@expenzez/truelayer";
import pLimit from "p-limit";

/** One account or card as the bank served it in this sync. */
export interface FetchedAccount {
  accountId: string;
  kind: "account" | "card";
  type: string;
  displayName: string;
  currency: string;
  accountNumber?: string;
  sortCode?: string;
  iban?: string;
  /** Absent when the bank says the account is gone (`account_not_found`): it is marked closed. */
  data?: {
    balance: { currentMinor: number; availableMinor?: number; current: number; available?: number; updatedAt: string };
    booked: TrueLayerTransaction[];
    pending: TrueLayerTransaction[];
  };
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * Accounts and cards, then per account (bounded) its balance, booked transactions in the window
 * and pending ones. `account_not_found` for one account leaves it without data; any other
 * error ends the fetch (the caller decides retry, reconnect or failure by the error's kind).
 */
export async function fetchConnection(
  client: TrueLayerClient,
  ctx: CallContext,
  range: { from: string; to: string },
  concurrency: number,
): Promise<FetchedAccount[]> {
  const [accounts, cards] = await Promise.all([client.getAccounts(ctx), client.getCards(ctx)]);
  const limit = pLimit(concurrency);
  const jobs = [
    ...accounts.map((a) => {
      const number = (a.account_number ?? {}) as Record<string, unknown>;
      const base: FetchedAccount = {
        accountId: a.account_id,
        kind: "account",
        type: a.account_type ?? "TRANSACTION",
        displayName: a.display_name || a.account_id,
        currency: a.currency,
        accountNumber: str(number.number),
        sortCode: str(number.sort_code),
        iban: str(number.iban),
      };
      return limit(() =>
        withData(base, range.to, [
          client.getBalance(ctx, a.account_id),
          client.getTransactions(ctx, a.account_id, range),
          client.getPendingTransactions(ctx, a.account_id),
        ]),
      );
    }),
    ...cards.map((c) => {
      const base: FetchedAccount = {
        accountId: c.account_id,
        kind: "card",
        type: c.card_type ?? "CREDIT",
        displayName: c.display_name || c.account_id,
        currency: c.currency,
      };
      return limit(() =>
        withData(base, range.to, [
          client.getCardBalance(ctx, c.account_id),
          client.getCardTransactions(ctx, c.account_id, range),
          client.getCardPendingTransactions(ctx, c.account_id),
        ]),
      );
    }),
  ];
  return Promise.all(jobs);
}

type BalanceReply = Awaited<ReturnType<TrueLayerClient["getBalance"]>> | Awaited<ReturnType<TrueLayerClient["getCardBalance"]>>;

/** One account's balance, booked and pending transactions, the same way for accounts and cards. */
async function withData(
  base: FetchedAccount,
  updatedAt: string,
  calls: [Promise<BalanceReply>, Promise<TrueLayerTransaction[]>, Promise<TrueLayerTransaction[]>],
): Promise<FetchedAccount> {
  try {
    const [b, booked, pending] = await Promise.all(calls);
    const balance = { currentMinor: b.current_minor, availableMinor: b.available_minor, current: b.current, available: b.available, updatedAt };
    return { ...base, data: { balance, booked, pending } };
  } catch (err) {
    // The bank closed the account: keep its history, mark it closed, sync the others.
    if (err instanceof AccountNotFoundError) return base;
    throw err;
  }
}
