import { createHash } from "node:crypto";
import {
  bankAccountEntity,
  getEntity,
  keys,
  type OutboxRecord,
  type StoredBankAccount,
  type Transaction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  transactionEntity,
  transactWrite,
  txDelete,
  txPutNew,
  txPutNewParsed,
  txPutVersioned,
  txUpdateVersioned,
} from "@expenzez/db";
import { outboxAction } from "@expenzez/runtime";
import { reconcile } from "@expenzez/sync";
import type { SyncDeps } from "./deps";
import { WriteConflictError } from "./errors";
import { isLargeDebit, LARGE_TRANSACTION_MINOR, syncedDetail } from "./events";
import type { FetchedAccount } from "./fetch";
import { type AccountFacts, accountUnchanged, chunkChanges, chunkUnits, oldestPendingAfter, summaryDelta, type WriteUnit } from "./plan";

/** Re-read and re-diff this often when a concurrent writer cancels our transaction. */
const MAX_WRITE_ATTEMPTS = 4;

export interface AccountSyncResult {
  added: number;
  changed: number;
  removed: number;
  /** TransactWriteItems calls made (0 for an unchanged account). */
  writes: number;
  records: OutboxRecord[];
}

export interface AccountWrite {
  userId: string;
  connectionId: string;
  syncId: string;
  fetched: FetchedAccount;
  /** Mapped and categorised booked + pending transactions of this account, as `transactionEntity.parse` returned them. */
  transactions: Transaction[];
  /** Stored transactions of this account in the window and all its stored pending ones (from the connection's one read). */
  stored: Transaction[];
  /** The account's stored item (sealed fields untouched); absent for a new account. */
  account?: StoredBankAccount;
  /** Start of the booked window fetched: pending ones dated before it are not removed. */
  bookedFrom: string;
  /** The bank's pending list arrived whole (no transaction of it was refused). */
  pendingComplete: boolean;
  now: Date;
  /** Throws when this run may no longer write (its lease was lost). */
  guard: () => void;
  /** Re-reads this account's stored transactions after a cancelled transaction (consistent). */
  reread: (ids: readonly string[]) => Promise<Transaction[]>;
}

/**
 * Reconciles one account against what is stored and writes the difference: transactions,
 * the account's balance and exact counter deltas, and a TransactionsSynced event, together in
 * each transaction. An account with nothing new costs no write at all. A cancelled transaction
 * is re-read and re-diffed, never blindly retried.
 */
export async function syncAccount(deps: SyncDeps, input: AccountWrite): Promise<AccountSyncResult> {
  const result: AccountSyncResult = { added: 0, changed: 0, removed: 0, writes: 0, records: [] };
  let current = input;
  for (let attempt = 1; ; attempt++) {
    try {
      await writeOnce(deps, current, result);
      return result;
    } catch (err) {
      const conflict = err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError;
      if (!conflict) throw err;
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteConflictError(input.fetched.accountId, attempt, { cause: err });
      deps.log.info({ accountId: input.fetched.accountId, attempt }, "account changed while we wrote it: re-reading and re-diffing");
      const ids = [...new Set([...input.transactions.map((t) => t.transactionId), ...current.stored.map((t) => t.transactionId)])];
      const [stored, account] = await Promise.all([
        current.reread(ids),
        getEntity(deps.db, bankAccountEntity, keys.account(input.userId, input.fetched.accountId), { consistent: true }),
      ]);
      current = { ...current, stored, account };
    }
  }
}

/** A stable event id for a transaction's one LargeTransactionDetected (a UUID shape, from a hash). */
export function largeEventId(userId: string, transactionId: string): string {
  const h = createHash("sha256").update(`LargeTransactionDetected\n${userId}\n${transactionId}`, "utf8").digest("hex");
  // Version 5 / RFC 4122 variant bits, so it passes as a UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

async function writeOnce(deps: SyncDeps, input: AccountWrite, result: AccountSyncResult): Promise<void> {
  const { db } = deps;
  const { userId, fetched, now } = input;
  const closed = fetched.data === undefined;
  // A closed account keeps its booked history; its pending holds no longer exist.
  const diff = reconcile({
    stored: input.stored,
    fetched: input.transactions,
    pendingComplete: closed || input.pendingComplete,
    ...(closed ? {} : { bookedFrom: input.bookedFrom }),
  });

  const units: WriteUnit[] = [
    ...diff.added.map((t): WriteUnit => {
      // Validated once, when it was mapped: added ones are the parsed inputs themselves.
      const unit: WriteUnit = { actions: [txPutNewParsed(db, transactionEntity, t as Transaction)], added: t };
      if (isLargeDebit(t)) {
        const large = outboxAction(
          db,
          {
            detailType: "LargeTransactionDetected",
            input: {
              // One per transaction, whatever retries and relays do: consumers dedupe on it.
              eventId: largeEventId(userId, t.transactionId),
              userId,
              accountId: fetched.accountId,
              transactionId: t.transactionId,
              amountMinor: t.amountMinor,
              currency: t.currency,
              merchant: t.merchant?.name ?? t.description,
              bookedAt: t.timestamp,
              thresholdMinor: LARGE_TRANSACTION_MINOR,
            },
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

  const oldestPendingAt = oldestPendingAfter(input.stored, diff);
  const balance = balanceOf(fetched, now);
  const facts: AccountFacts = { closed, oldestPendingAt, ...(balance ? { balance } : {}) };
  if (accountUnchanged(units, input.account, facts)) return;

  let version = input.account?.version;
  const chunks = chunkUnits(units);
  for (const [i, chunk] of chunks.entries()) {
    const delta = summaryDelta(chunkChanges(chunk));
    // Until the last chunk, the mark stays at the oldest of before and after: a crash between
    // chunks leaves it no newer than any pending transaction still stored.
    const last = i === chunks.length - 1;
    const pendingMark = last ? oldestPendingAt : minIso(oldestPendingAt, input.account?.transactionSummary.oldestPendingAt ?? null, input.stored);
    const accountAction =
      version !== undefined
        ? txUpdateVersioned(
            db,
            keys.account(userId, fetched.accountId),
            {
              set: {
                ...(balance ? { balance } : {}),
                closed,
                "transactionSummary.oldestPendingAt": pendingMark,
                updatedAt: now.toISOString(),
              },
              add: { "transactionSummary.totalTransactions": delta.total, "transactionSummary.pendingTransactions": delta.pending },
            },
            version,
          )
        : txPutNew(db, bankAccountEntity, await deps.repos.accounts.seal(newAccount(input, delta, pendingMark)));
    const actions = [...chunk.flatMap((u) => u.actions), accountAction];
    const records = chunk.flatMap((u) => u.records ?? []);
    // A balance-only change announces nothing: no transaction moved.
    if (chunk.length > 0) {
      const synced = outboxAction(
        db,
        {
          detailType: "TransactionsSynced",
          input: {
            userId,
            connectionId: input.connectionId,
            syncId: input.syncId,
            correlationId: input.syncId,
            accountIds: [fetched.accountId],
            ...syncedDetail(chunk),
          },
        },
        now,
      );
      actions.push(synced.action);
      records.push(synced.record);
    }
    input.guard();
    await transactWrite(db.doc, actions);
    result.writes++;
    result.added += chunk.filter((u) => u.added).length;
    result.changed += chunk.filter((u) => u.changed).length;
    result.removed += chunk.filter((u) => u.removed).length;
    result.records.push(...records);
    // The next chunk is conditional on the version this one wrote.
    version = version === undefined ? 1 : version + 1;
  }
}

/** The older of the oldest pending after the write and any stored pending before it (mid-write state). */
function minIso(after: string | null, before: string | null, stored: readonly Transaction[]): string | null {
  let ms = after === null ? Number.POSITIVE_INFINITY : Date.parse(after);
  if (before !== null) ms = Math.min(ms, Date.parse(before));
  for (const t of stored) if (t.status === "pending") ms = Math.min(ms, Date.parse(t.timestamp));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
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

function newAccount(input: AccountWrite, delta: { total: number; pending: number }, oldestPendingAt: string | null) {
  const { fetched, now } = input;
  const balance = balanceOf(fetched, now);
  return {
    userId: input.userId,
    accountId: fetched.accountId,
    connectionId: input.connectionId,
    providerAccountId: fetched.providerAccountId,
    kind: fetched.kind,
    type: fetched.type,
    displayName: fetched.displayName,
    currency: fetched.currency,
    ...(fetched.accountNumber ? { accountNumber: fetched.accountNumber } : {}),
    ...(fetched.sortCode ? { sortCode: fetched.sortCode } : {}),
    ...(fetched.iban ? { iban: fetched.iban } : {}),
    ...(balance ? { balance } : {}),
    transactionSummary: { totalTransactions: delta.total, pendingTransactions: delta.pending, oldestPendingAt },
    closed: fetched.data === undefined,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}
