import {
  type BankAccount,
  bankAccountEntity,
  keys,
  type OutboxRecord,
  type Transaction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  type TransactionInput,
  transactionEntity,
  transactWrite,
  txDelete,
  txPutNew,
  txPutVersioned,
  txUpdateVersioned,
} from "@expenzez/db";
import { reconcile } from "@expenzez/sync";
import type { SyncDeps } from "./deps";
import { WriteConflictError } from "./errors";
import { isLargeDebit, LARGE_TRANSACTION_MINOR, outboxAction, syncedDetail } from "./events";
import type { FetchedAccount } from "./fetch";
import { chunkChanges, chunkUnits, summaryDelta, type WriteUnit } from "./plan";

/** Re-read and re-diff this often when a concurrent writer cancels our transaction. */
const MAX_WRITE_ATTEMPTS = 4;
/** Stored pending transactions are looked for this far back, past the window (holds can last). */
const PENDING_LOOKBACK_MS = 30 * 86_400_000;

export interface AccountSyncResult {
  added: number;
  changed: number;
  removed: number;
  records: OutboxRecord[];
}

interface AccountWrite {
  userId: string;
  connectionId: string;
  syncId: string;
  fetched: FetchedAccount;
  /** Mapped and categorised booked + pending transactions of this account. */
  transactions: TransactionInput[];
  window: { from: string; to: string };
  now: Date;
}

/**
 * Reconciles one account against what is stored and writes the difference: transactions,
 * the account's balance and exact counter deltas, and a TransactionsSynced event, together in
 * each transaction. A cancelled transaction is re-read and re-diffed, never blindly retried.
 */
export async function syncAccount(deps: SyncDeps, input: AccountWrite): Promise<AccountSyncResult> {
  const result: AccountSyncResult = { added: 0, changed: 0, removed: 0, records: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      await writeOnce(deps, input, result);
      return result;
    } catch (err) {
      const conflict = err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError;
      if (!conflict) throw err;
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteConflictError(input.fetched.accountId, attempt, { cause: err });
      deps.log.info({ accountId: input.fetched.accountId, attempt }, "account changed while we wrote it: re-reading and re-diffing");
    }
  }
}

/** Stored transactions of the account that matter to the diff: the fetched ids, and its pending ones. */
async function readStored(deps: SyncDeps, input: AccountWrite): Promise<Transaction[]> {
  const { userId } = input;
  const accountId = input.fetched.accountId;
  const from = new Date(Math.min(Date.parse(input.window.from), input.now.getTime() - PENDING_LOOKBACK_MS)).toISOString();
  const pendingIds: string[] = [];
  let cursor: string | undefined;
  do {
    // GSI2 may lag; it only finds pending candidates, whose fresh copy comes from the consistent read below.
    const page = await deps.repos.transactions.listByDateRange(
      userId,
      { from, to: new Date(input.now.getTime() + 86_400_000).toISOString() },
      { cursor, limit: 500 },
    );
    for (const t of page.items) if (t.accountId === accountId && t.status === "pending") pendingIds.push(t.transactionId);
    cursor = page.cursor;
  } while (cursor);
  const ids = [...new Set([...input.transactions.map((t) => t.transactionId), ...pendingIds])];
  const stored = await deps.repos.transactions.getMany(userId, ids);
  return stored.filter((t) => t.accountId === accountId);
}

async function writeOnce(deps: SyncDeps, input: AccountWrite, result: AccountSyncResult): Promise<void> {
  const { db } = deps;
  const { userId, fetched, now } = input;
  const [stored, account] = await Promise.all([readStored(deps, input), deps.repos.accounts.get(userId, fetched.accountId)]);
  // A closed account (no data) keeps its history: nothing is removed, nothing is added.
  const diff = reconcile({ stored, fetched: input.transactions, pendingComplete: fetched.data !== undefined });

  const units: WriteUnit[] = [
    ...diff.added.map((t): WriteUnit => {
      const unit: WriteUnit = { actions: [txPutNew(db, transactionEntity, t)], added: t };
      if (isLargeDebit(t)) {
        const large = outboxAction(
          db,
          "LargeTransactionDetected",
          {
            userId,
            accountId: fetched.accountId,
            transactionId: t.transactionId,
            amountMinor: t.amountMinor,
            currency: t.currency,
            merchant: t.merchant?.name ?? t.description,
            bookedAt: t.timestamp,
            thresholdMinor: LARGE_TRANSACTION_MINOR,
          },
          now,
        );
        unit.actions.push(large.action);
        unit.records = [large.record];
      }
      return unit;
    }),
    ...diff.changed.map((c): WriteUnit => ({ actions: [txPutVersioned(db, transactionEntity, c.next, c.before.version)], changed: c })),
    ...diff.removed.map((t): WriteUnit => ({ actions: [txDelete(db, keys.transaction(userId, t.transactionId), t.version)], removed: t })),
  ];

  let current = account;
  for (const chunk of chunkUnits(units)) {
    const delta = summaryDelta(chunkChanges(chunk));
    const synced = outboxAction(
      db,
      "TransactionsSynced",
      { userId, connectionId: input.connectionId, syncId: input.syncId, correlationId: input.syncId, accountIds: [fetched.accountId], ...syncedDetail(chunk) },
      now,
    );
    const accountAction = current
      ? txUpdateVersioned(
          db,
          keys.account(userId, fetched.accountId),
          {
            set: { ...(fetched.data ? { balance: balanceOf(fetched, now) } : {}), closed: fetched.data === undefined, updatedAt: now.toISOString() },
            add: { "transactionSummary.totalTransactions": delta.total, "transactionSummary.pendingTransactions": delta.pending },
          },
          current.version,
        )
      : txPutNew(db, bankAccountEntity, await deps.repos.accounts.seal(newAccount(input, delta)));
    const actions = [...chunk.flatMap((u) => u.actions), accountAction, synced.action];
    await transactWrite(db.doc, actions);
    result.added += chunk.filter((u) => u.added).length;
    result.changed += chunk.filter((u) => u.changed).length;
    result.removed += chunk.filter((u) => u.removed).length;
    result.records.push(...chunk.flatMap((u) => u.records ?? []), synced.record);
    // The next chunk is conditional on the version this one wrote.
    current = current ? { ...current, version: current.version + 1 } : ({ version: 1 } as BankAccount);
  }
}

function balanceOf(fetched: FetchedAccount, now: Date) {
  const b = fetched.data?.balance;
  if (!b) return undefined;
  return {
    currentMinor: b.currentMinor,
    current: b.current,
    ...(b.availableMinor !== undefined ? { availableMinor: b.availableMinor, available: b.available } : {}),
    updatedAt: now.toISOString(),
  };
}

function newAccount(input: AccountWrite, delta: { total: number; pending: number }) {
  const { fetched, now } = input;
  const balance = balanceOf(fetched, now);
  return {
    userId: input.userId,
    accountId: fetched.accountId,
    connectionId: input.connectionId,
    providerAccountId: fetched.accountId,
    kind: fetched.kind,
    type: fetched.type,
    displayName: fetched.displayName,
    currency: fetched.currency,
    ...(fetched.accountNumber ? { accountNumber: fetched.accountNumber } : {}),
    ...(fetched.sortCode ? { sortCode: fetched.sortCode } : {}),
    ...(fetched.iban ? { iban: fetched.iban } : {}),
    ...(balance ? { balance } : {}),
    transactionSummary: { totalTransactions: delta.total, pendingTransactions: delta.pending },
    closed: fetched.data === undefined,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
