import { createHash } from "node:crypto";
import { fromMinor } from "@expenzez/money";
import { boundedText, storableId, TEXT_LIMITS } from "@expenzez/sync";
import {
  AccountNotFoundError,
  type CallContext,
  EndpointNotSupportedError,
  type RejectedTransaction,
  type TransactionList,
  type TrueLayerClient,
  type TrueLayerTransaction,
  UnexpectedResponseError,
} from "@expenzez/truelayer";
import pLimit from "p-limit";

/** One account or card as the bank served it in this sync. */
export interface FetchedAccount {
  /** Our id for it: the bank's id when that is safe as a key segment, else a hash of it. */
  accountId: string;
  /** The bank's own id, for its API. */
  providerAccountId: string;
  kind: "account" | "card";
  type: string;
  displayName: string;
  currency: string;
  accountNumber?: string;
  sortCode?: string;
  iban?: string;
  /**
   * Absent when the bank says the account is gone (`account_not_found`) or stopped listing it:
   * it is marked closed, its booked history kept.
   */
  data?: {
    /** Absent: not read in this run (a results job); the stored balance stays. */
    balance?: { currentMinor: number; availableMinor?: number; current: number; available?: number; updatedAt: string };
    booked: TrueLayerTransaction[];
    /** Absent: not read in this run (a results job); the stored pending ones stay as they are. */
    pending?: TrueLayerTransaction[];
    /** Transactions the client's schema refused: quarantined, the others sync. */
    rejected: (RejectedTransaction & { status: "booked" | "pending" })[];
  };
}

/**
 * A name or type from the bank as we store it: sanitised and bounded like transaction text (a
 * lone surrogate or 400 KB would make the account's item one DynamoDB refuses), `fallback` when
 * nothing printable is left.
 */
function bankLabel(value: string | undefined, fallback: string): string {
  const label = boundedText(value ?? "", TEXT_LIMITS.name).trim();
  return label || boundedText(fallback, TEXT_LIMITS.name).trim() || "-";
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Longest bank id kept as our own account id; ids are key segments, DynamoDB keys are bounded. */
const MAX_PLAIN_ACCOUNT_ID = 128;

/**
 * Our account id for a bank's account id: the same string when it is safe as a key segment (no
 * `#`, short, printable ASCII), else `acc_` and a hash of it, stable across syncs. Bank ids are
 * never trusted as key material.
 *
 * @example storedAccountId("56c7b029e0f8ec5a2334fb0ffc2fface") // the same
 * @example storedAccountId("acc#1") // "acc_…"
 */
export function storedAccountId(providerAccountId: string): string {
  if (providerAccountId.length <= MAX_PLAIN_ACCOUNT_ID && /^[\x21-\x22\x24-\x7e]+$/.test(providerAccountId)) return providerAccountId;
  return `acc_${createHash("sha256").update(providerAccountId, "utf8").digest("hex").slice(0, 32)}`;
}

/**
 * An account the bank's data of could not be read this sync (its list entry, balance or
 * transactions list refused by the schema, an id no URL can carry): quarantined with the reason,
 * left as stored, and the others sync.
 */
export interface UnreadableAccount {
  /** Our id for it; a list entry without a usable id is named by its place (`accounts[2]`). */
  accountId: string;
  reason: string;
}

/** What one sync read of the connection's accounts and cards. */
export interface FetchedConnection {
  accounts: FetchedAccount[];
  unreadable: UnreadableAccount[];
  /**
   * Every entry of the bank's lists had an id: a stored account absent from them is no longer
   * listed. False when an entry without one was refused (it may be any stored account).
   */
  listedInFull: boolean;
  /** Lists the provider does not serve at all (501 `endpoint_not_supported`): their stored accounts are not taken as unlisted. */
  unsupported: ("account" | "card")[];
}

/**
 * A call the provider does not support (501 `endpoint_not_supported`, e.g. `/cards` of a bank
 * without cards, `/transactions/pending` of one that lists no pending): undefined, so that part
 * is skipped as TrueLayer advises instead of failing the connection's every sync.
 */
function unlessUnsupported<T>(call: Promise<T>): Promise<T | undefined> {
  return call.catch((err: unknown) => {
    if (err instanceof EndpointNotSupportedError) return undefined;
    throw err;
  });
}

/** An account the bank lists twice is one account: read once, so its data is stored and quarantined once. */
function listedOnce<T extends { account_id: string }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    if (seen.has(a.account_id)) return false;
    seen.add(a.account_id);
    return true;
  });
}

/**
 * Accounts and cards, each list entry parsed on its own, then per account (bounded) its balance,
 * booked transactions in the window and pending ones, each transaction parsed on its own.
 * `account_not_found` for one account leaves it without data; an entry or a body of one account
 * its schema refuses makes it unreadable; any other error ends the fetch (the caller decides
 * retry, reconnect or failure by the error's kind).
 */
export async function fetchConnection(
  client: TrueLayerClient,
  ctx: CallContext,
  range: { from: string; to: string },
  concurrency: number,
): Promise<FetchedConnection> {
  const [servedAccounts, servedCards] = await Promise.all([
    unlessUnsupported(client.listAccounts(ctx, "account")),
    unlessUnsupported(client.listAccounts(ctx, "card")),
  ]);
  const unsupported = [...(servedAccounts ? [] : ["account" as const]), ...(servedCards ? [] : ["card" as const])];
  const accountList = servedAccounts ?? { accounts: [], rejected: [] };
  const cardList = servedCards ?? { accounts: [], rejected: [] };
  const limit = pLimit(concurrency);
  const load = (base: FetchedAccount, balance: () => Promise<BalanceReply>) =>
    limit(async (): Promise<FetchedAccount | UnreadableAccount> => {
      const kind = base.kind;
      const accountId = base.providerAccountId;
      try {
        const [b, booked, pending] = await Promise.all([
          unlessUnsupported(balance()),
          client.listTransactions(ctx, { kind, accountId, range }),
          unlessUnsupported(client.listTransactions(ctx, { kind, accountId })),
        ]);
        return withData(base, range.to, b, booked, pending);
      } catch (err) {
        // The bank closed the account: keep its history, mark it closed, sync the others.
        if (err instanceof AccountNotFoundError) return base;
        // One account the bank serves malformed (or whose transactions it does not serve) must not block the connection's others.
        if (err instanceof UnexpectedResponseError || err instanceof EndpointNotSupportedError) return { accountId: base.accountId, reason: err.message };
        throw err;
      }
    });
  const loaded = await Promise.all([
    ...listedOnce(accountList.accounts).map((a) => {
      const number = (a.account_number ?? {}) as Record<string, unknown>;
      const base: FetchedAccount = {
        accountId: storedAccountId(a.account_id),
        providerAccountId: a.account_id,
        kind: "account",
        type: bankLabel(a.account_type, "TRANSACTION"),
        displayName: bankLabel(a.display_name, a.account_id),
        currency: a.currency,
        // Identifiers are kept only as sent and of a storable size (as bank ids are): one of 450 KB
        // made the account's item one DynamoDB refuses, failing every sync of the connection.
        accountNumber: storableId(str(number.number)),
        sortCode: storableId(str(number.sort_code)),
        iban: storableId(str(number.iban)),
      };
      return load(base, () => client.getBalance(ctx, a.account_id));
    }),
    ...listedOnce(cardList.accounts).map((c) => {
      const base: FetchedAccount = {
        accountId: storedAccountId(c.account_id),
        providerAccountId: c.account_id,
        kind: "card",
        type: bankLabel(c.card_type, "CREDIT"),
        displayName: bankLabel(c.display_name, c.account_id),
        currency: c.currency,
      };
      return load(base, () => client.getCardBalance(ctx, c.account_id));
    }),
  ]);
  const read = loaded.filter((a): a is FetchedAccount => "providerAccountId" in a);
  const unreadable = loaded.filter((a): a is UnreadableAccount => !("providerAccountId" in a));
  // A refused entry of an account also listed well is that account listed twice: it syncs.
  const listedWell = new Set(read.map((a) => a.accountId));
  let listedInFull = true;
  for (const [family, list] of [
    ["accounts", accountList],
    ["cards", cardList],
  ] as const) {
    for (const r of list.rejected) {
      if (r.accountId === undefined) listedInFull = false;
      const accountId = r.accountId === undefined ? `${family}[${r.index}]` : storedAccountId(r.accountId);
      if (!listedWell.has(accountId)) unreadable.push({ accountId, reason: r.reason });
    }
  }
  return { accounts: read, unreadable, listedInFull, unsupported };
}

/**
 * Booked transactions of the given accounts in one more slice of the window (a long history is
 * fetched slice by slice), by account id. An account the bank no longer knows gives none.
 */
export async function fetchBooked(
  client: TrueLayerClient,
  ctx: CallContext,
  accounts: readonly FetchedAccount[],
  range: { from: string; to: string },
  concurrency: number,
): Promise<Map<string, TransactionList>> {
  const limit = pLimit(concurrency);
  const lists = await Promise.all(
    accounts.map((a) =>
      limit(async () => {
        try {
          return await client.listTransactions(ctx, { kind: a.kind, accountId: a.providerAccountId, range });
        } catch (err) {
          if (err instanceof AccountNotFoundError) return { transactions: [], rejected: [] };
          throw err;
        }
      }),
    ),
  );
  return new Map(accounts.map((a, i) => [a.accountId, lists[i] as TransactionList]));
}

type BalanceReply = Awaited<ReturnType<TrueLayerClient["getBalance"]>> | Awaited<ReturnType<TrueLayerClient["getCardBalance"]>>;

/** An account's data as read; no balance or pending list when the provider does not serve them (the stored ones stay). */
function withData(
  base: FetchedAccount,
  updatedAt: string,
  b: BalanceReply | undefined,
  booked: TransactionList,
  pending: TransactionList | undefined,
): FetchedAccount {
  // The decimals come from the pence, as a transaction's amount does: the bank's own number can
  // hold more places ("12.345") or float noise (0.30000000000000004) the pence were rounded from.
  const balance = b && {
    currentMinor: b.current_minor,
    availableMinor: b.available_minor,
    current: fromMinor(b.current_minor, b.currency),
    available: b.available_minor === undefined ? undefined : fromMinor(b.available_minor, b.currency),
    updatedAt,
  };
  const rejected = [
    ...booked.rejected.map((r) => ({ ...r, status: "booked" as const })),
    ...(pending?.rejected ?? []).map((r) => ({ ...r, status: "pending" as const })),
  ];
  return {
    ...base,
    data: { ...(balance ? { balance } : {}), booked: booked.transactions, ...(pending ? { pending: pending.transactions } : {}), rejected },
  };
}
