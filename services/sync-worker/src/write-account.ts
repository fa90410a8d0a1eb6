import { createHash } from "node:crypto";
import {
  bankAccountEntity,
  type Db,
  getEntity,
  keys,
  type OutboxRecord,
  type StoredBankAccount,
  softDeleteAction,
  type TransactAction,
  type Transaction,
  TransactionConditionalCheckFailedError,
  TransactionConflictError,
  transactionEntity,
  transactWrite,
  txPutNew,
  txPutNewParsed,
  txPutVersioned,
  txUpdateVersioned,
  VersionConflictError,
} from "@expenzez/db";
import { type EventToCommit, outboxAction } from "@expenzez/runtime";
import { bankIdentityOf, ourTransactionId, reconcile } from "@expenzez/sync";
import type { TrueLayerTransaction } from "@expenzez/truelayer";
import type { SyncDeps } from "./deps";
import { WriteConflictError } from "./errors";
import { isLargeDebit, LARGE_TRANSACTION_MINOR, syncedDetail } from "./events";
import type { FetchedAccount } from "./fetch";
import {
  type AccountFacts,
  accountUnchanged,
  type BuiltUnit,
  builtUnit,
  chunkChanges,
  oldestPendingAfter,
  packChunks,
  summaryDelta,
  unitsOf,
  type WriteChunk,
  type WriteUnit,
} from "./plan";

/** Re-read and re-diff this often when a concurrent writer cancels our transaction. */
const MAX_WRITE_ATTEMPTS = 4;

/** What the connection's writes did, for its sync stats. */
export interface SyncTotals {
  added: number;
  changed: number;
  removed: number;
}

export interface ConnectionSyncResult extends SyncTotals {
  /** TransactWriteItems calls made (0 when nothing changed). */
  writes: number;
  records: OutboxRecord[];
  /** The connection's finishing write committed inside the last transaction. */
  finished: boolean;
  /** Each written account's item as it stands after the commits (the next batch of a long history writes on top of it). */
  accounts: Map<string, StoredBankAccount>;
}

/** One account of the connection as the sync found it. */
export interface AccountInput {
  fetched: FetchedAccount;
  /** Mapped and categorised booked + pending transactions of this account, as `transactionEntity.parse` returned them. */
  transactions: Transaction[];
  /** Stored transactions of this account in the window and all its stored pending ones (from the connection's one read). */
  stored: Transaction[];
  /** The account's stored item (sealed fields untouched); absent for a new account. */
  account?: StoredBankAccount | undefined;
  /** The bank's pending list arrived whole (no transaction of it was refused). */
  pendingComplete: boolean;
  /**
   * An earlier batch of a long history: booked transactions only, so the account's pending
   * facts (its oldest pending mark) are left as stored; the last batch sets them.
   */
  interim?: boolean;
}

export interface ConnectionWrite {
  userId: string;
  connectionId: string;
  syncId: string;
  /** The job's correlation id, carried by every event written (defaults to the sync id). */
  correlationId?: string;
  accounts: AccountInput[];
  /** Start of the booked window fetched: pending ones dated before it are not removed. */
  bookedFrom: string;
  now: Date;
  /** Throws when this run may no longer write (its lease was lost). */
  guard: () => void;
  /** Re-reads stored transactions by id after a cancelled transaction (consistent, soft-deleted ones included). */
  reread: (ids: readonly string[]) => Promise<Transaction[]>;
  /** The bank's transaction each mapped one came from: its id for another occurrence index is derived from it. */
  origins?: WeakMap<Transaction, TrueLayerTransaction>;
  /** The range this batch's stored copies were read for (default: `bookedFrom` to `now`). */
  readRange?: ReadRange;
  /**
   * The connection's finishing write for these totals (lease released, conditional on its
   * version and lease): put into the last transaction when it has room, so a sync that writes
   * costs no separate put. Its condition failing is a `VersionConflictError`, not a re-diff.
   */
  finish?: (totals: SyncTotals) => Promise<{ action: TransactAction; expectedVersion: number }>;
}

/** One account's reconciliation: the units to write and the account facts after them. */
interface AccountPlan {
  input: AccountInput;
  units: WriteUnit[];
  facts: AccountFacts;
}

/**
 * Reconciles every account of the connection against what is stored and writes the difference
 * in as few transactions as the 100-action limit allows, packing accounts together: each holds
 * its transactions, every touched account's balance and exact counter deltas, and one
 * TransactionsSynced event; the last one may carry the connection's finish. An unchanged account
 * costs no write at all. A cancelled transaction is re-read and re-diffed, never blindly retried.
 */
export async function syncAccounts(deps: SyncDeps, input: ConnectionWrite): Promise<ConnectionSyncResult> {
  const result: ConnectionSyncResult = { added: 0, changed: 0, removed: 0, writes: 0, records: [], finished: false, accounts: new Map() };
  deps.phases?.("plan");
  let accounts = await Promise.all(input.accounts.map((a) => distinguishOutsideFetchedDays(input, a)));
  for (let attempt = 1; ; attempt++) {
    try {
      await writeOnce(deps, input, accounts, result);
      return result;
    } catch (err) {
      const conflict = err instanceof TransactionConditionalCheckFailedError || err instanceof TransactionConflictError;
      if (!conflict) throw err;
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteConflictError(input.connectionId, attempt, { cause: err });
      deps.log.info({ attempt }, "accounts changed while we wrote them: re-reading and re-diffing");
      deps.phases?.("read");
      accounts = await reread(deps, input, accounts);
      deps.phases?.("plan");
    }
  }
}

/** Consistent re-read of every account item and of the stored copies of every transaction in play. */
async function reread(deps: SyncDeps, input: ConnectionWrite, accounts: readonly AccountInput[]): Promise<AccountInput[]> {
  const ids = new Set<string>();
  for (const a of accounts) {
    for (const t of a.transactions) ids.add(t.transactionId);
    for (const t of a.stored) ids.add(t.transactionId);
  }
  const [stored, items] = await Promise.all([
    input.reread([...ids]),
    Promise.all(accounts.map((a) => getEntity(deps.db, bankAccountEntity, keys.account(input.userId, a.fetched.accountId), { consistent: true }))),
  ]);
  const byId = new Map(stored.map((t) => [t.transactionId, t]));
  const origins = input.origins;
  const range = readRangeOf(input);
  return Promise.all(
    accounts.map(async (a, i) => ({
      ...a,
      transactions: origins ? await distinguish(a.transactions, byId, range, origins, input.reread) : a.transactions,
      stored: stored.filter((t) => t.accountId === a.fetched.accountId),
      account: items[i],
    })),
  );
}

function readRangeOf(input: ConnectionWrite): ReadRange {
  return input.readRange ?? { from: input.bookedFrom, to: input.now.toISOString() };
}

/**
 * Before the first write (ADR 0069): the stored copies are read from a day before the days the
 * bank was asked for, so the older of two transactions under one bank id can be read without
 * being fetched, dated in that day. Numbered alone, the newer one takes its id, and reconcile
 * would read it as a change to the older one: the older one overwritten, the newer stored twice,
 * with no conflict to catch it. A stored booked copy dated outside the fetched days under a
 * fetched transaction's id, with another timestamp, is therefore another transaction: that id's
 * transactions are distinguished from it as on the conflict path. A copy the bank served in
 * that day has its own timestamp and is left alone.
 */
async function distinguishOutsideFetchedDays(input: ConnectionWrite, account: AccountInput): Promise<AccountInput> {
  const { origins } = input;
  if (!origins || account.stored.length === 0) return account;
  const range = readRangeOf(input);
  const outside = fetchedDaysTest(range, 0);
  const byId = new Map(account.stored.map((t) => [t.transactionId, t]));
  const clash = account.transactions.some((t) => {
    const s = t.status === "booked" ? byId.get(t.transactionId) : undefined;
    return s !== undefined && s.status === "booked" && !s.deletedAt && s.timestamp !== t.timestamp && outside(s);
  });
  if (!clash) return account;
  return { ...account, transactions: await distinguish(account.transactions, byId, range, origins, input.reread, 0) };
}

/** Whether a transaction is dated outside the range's days widened by `marginDays` on each side. */
function fetchedDaysTest(range: ReadRange, marginDays: number): (t: Transaction) => boolean {
  const from = Date.parse(`${range.from.slice(0, 10)}T00:00:00.000Z`) - marginDays * 86_400_000;
  const to = Date.parse(range.to) + marginDays * 86_400_000;
  return (t) => {
    const at = Date.parse(t.timestamp);
    return at < from || at >= to;
  };
}

/** Occurrence indexes looked at, at most, per bank id: more transactions under one id than a bank would ever reuse it for. */
const MAX_OCCURRENCE = 64;
/** Candidate ids read at once when a bank id's transactions are resolved. */
const CANDIDATES_PER_READ = 8;

/** The range a batch's stored copies were read for: a stored copy outside it is not what the bank just served. */
export interface ReadRange {
  /** ISO; the booked window's first day (a day before it is read too). */
  from: string;
  /** ISO; the window's end (a day after it is read too). */
  to: string;
}

/**
 * Two different transactions the bank serves under one id, one of them outside this batch's
 * range (ADR 0069): numbered by what the range holds, one of the range's transactions can take
 * the id the other is stored under, and its put fails. On that conflict, a stored booked copy
 * under a fetched transaction's id that is dated outside the range read (the bank was not asked
 * for its day, so it is not what the bank just served) shows the bank id is shared: that id's
 * transactions in the range are given their ids again, each the index whose stored copy has its
 * timestamp, else the lowest index neither stored outside the range nor taken. Candidates are
 * read by id as needed (`read`). A stored copy the bank itself moved from outside the range into
 * it, keeping its id, is then kept as well (a second copy, not a loss).
 */
export async function distinguish(
  transactions: readonly Transaction[],
  stored: Map<string, Transaction>,
  range: ReadRange,
  origins: WeakMap<Transaction, TrueLayerTransaction>,
  read: (ids: readonly string[]) => Promise<Transaction[]>,
  /** Days around the range still counted inside it: 1 for what was read (the default), 0 for what was fetched. */
  marginDays = 1,
): Promise<Transaction[]> {
  const known = new Set(stored.keys());
  const beyond = fetchedDaysTest(range, marginDays);
  const outside = (id: string) => {
    const s = stored.get(id);
    return s?.status === "booked" && !s.deletedAt && beyond(s);
  };
  // The range's booked transactions by bank id, in content order (their index order). One the
  // bank dated outside the range itself (a far-future date) is compared with nothing.
  const groups = new Map<string, { t: Transaction; idAt: (index: number) => string; index: number }[]>();
  for (const t of transactions) {
    const tl = origins.get(t);
    const identity = tl && t.status === "booked" && !beyond(t) ? bankIdentityOf(tl) : undefined;
    if (!tl || identity === undefined) continue;
    const idAt = (index: number) => ourTransactionId(t.accountId, tl, index);
    const index = indexOf(t.transactionId, idAt);
    if (index === undefined) continue;
    const key = `${t.accountId}\n${identity}`;
    groups.set(key, [...(groups.get(key) ?? []), { t, idAt, index }]);
  }
  const moved = new Map<Transaction, Transaction>();
  for (const members of groups.values()) {
    if (!members.some((m) => outside(m.t.transactionId))) continue;
    members.sort((a, b) => a.index - b.index);
    const idAt = (members[0] as (typeof members)[number]).idAt;
    // Read candidates until the ones not stored outside the range are enough for the members.
    let looked = 0;
    const usable = () => Array.from({ length: looked }, (_, i) => i).filter((i) => !outside(idAt(i))).length;
    while (looked < MAX_OCCURRENCE && (looked < members.length || usable() < members.length)) {
      const next = Array.from({ length: Math.min(CANDIDATES_PER_READ, MAX_OCCURRENCE - looked) }, (_, i) => idAt(looked + i));
      const unread = next.filter((id) => !known.has(id));
      if (unread.length) for (const t of await read(unread)) stored.set(t.transactionId, t);
      for (const id of unread) known.add(id);
      looked += next.length;
    }
    const taken = new Set<number>();
    const given = new Map<(typeof members)[number], number>();
    // Its own stored copy first (same timestamp, inside the range), then the lowest free index.
    for (const m of members) {
      for (let i = 0; i < looked; i++) {
        const s = stored.get(idAt(i));
        if (!taken.has(i) && s && !outside(s.transactionId) && s.timestamp === m.t.timestamp) {
          taken.add(i);
          given.set(m, i);
          break;
        }
      }
    }
    for (const m of members) {
      if (given.has(m)) continue;
      for (let i = 0; i < looked; i++) {
        if (taken.has(i) || outside(idAt(i))) continue;
        taken.add(i);
        given.set(m, i);
        break;
      }
    }
    for (const [m, i] of given) {
      if (i === m.index) continue;
      const next = { ...m.t, transactionId: m.idAt(i) };
      origins.set(next, origins.get(m.t) as TrueLayerTransaction);
      moved.set(m.t, next);
    }
  }
  return transactions.map((t) => moved.get(t) ?? t);
}

/** The occurrence index an id was made with. */
function indexOf(id: string, idAt: (index: number) => string): number | undefined {
  for (let index = 0; index < MAX_OCCURRENCE; index++) if (idAt(index) === id) return index;
  return undefined;
}

/** A stable event id for a transaction's one LargeTransactionDetected (a UUID shape, from a hash). */
export function largeEventId(userId: string, transactionId: string): string {
  const h = createHash("sha256").update(`LargeTransactionDetected\n${userId}\n${transactionId}`, "utf8").digest("hex");
  // Version 5 / RFC 4122 variant bits, so it passes as a UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** A new transaction's put, and its LargeTransactionDetected when it is a large debit (announced in its transaction's outbox record). */
function addedActions(db: Db, input: Pick<ConnectionWrite, "userId" | "syncId" | "correlationId">, accountId: string, t: Transaction): BuiltUnit {
  const { userId } = input;
  const put = txPutNewParsed(db, transactionEntity, t);
  if (!isLargeDebit(t)) return { actions: [put] };
  return {
    actions: [put],
    events: [
      {
        detailType: "LargeTransactionDetected",
        input: {
          // One per transaction, whatever retries and relays do: consumers dedupe on it.
          eventId: largeEventId(userId, t.transactionId),
          correlationId: input.correlationId ?? input.syncId,
          userId,
          accountId,
          transactionId: t.transactionId,
          amountMinor: t.amountMinor,
          currency: t.currency,
          merchant: t.merchant?.name ?? t.description,
          bookedAt: t.timestamp,
          thresholdMinor: LARGE_TRANSACTION_MINOR,
        },
      },
    ],
  };
}

/** The writes one account needs: reconcile, then nothing at all when the account is unchanged. */
function planAccount(db: Db, input: ConnectionWrite, account: AccountInput): AccountPlan | undefined {
  const { now } = input;
  const { fetched } = account;
  const closed = fetched.data === undefined;
  // A closed account keeps its booked history; its pending holds no longer exist.
  const diff = reconcile({
    stored: account.stored,
    fetched: account.transactions,
    pendingComplete: closed || account.pendingComplete,
    ...(closed ? {} : { bookedFrom: input.bookedFrom }),
  });
  const units: WriteUnit[] = [
    ...diff.added.map(
      (t): WriteUnit => ({
        // Validated once, when it was mapped: added ones are the parsed inputs themselves. A large
        // debit's event rides in the transaction's one outbox record: no action of its own.
        size: 1,
        build: () => addedActions(db, input, fetched.accountId, t as Transaction),
        added: t,
      }),
    ),
    ...diff.changed.map((c): WriteUnit => ({ ...builtUnit({ actions: [txPutVersioned(db, transactionEntity, c.next, c.before.version)] }), changed: c })),
    // Kept as soft-deleted (retention: 7 years); every read path hides it.
    ...diff.removed.map((t): WriteUnit => ({ ...builtUnit({ actions: [softDeleteAction(db, t, "vanished", now)] }), removed: t })),
  ];
  const oldestPendingAt = account.interim ? (account.account?.transactionSummary.oldestPendingAt ?? null) : oldestPendingAfter(account.stored, diff);
  const balance = balanceOf(fetched, now);
  const facts: AccountFacts = { closed, oldestPendingAt, ...(balance ? { balance } : {}) };
  if (accountUnchanged(units, account.account, facts)) return undefined;
  return { input: account, units, facts };
}

async function writeOnce(deps: SyncDeps, input: ConnectionWrite, accounts: readonly AccountInput[], result: ConnectionSyncResult): Promise<void> {
  const { db } = deps;
  const { userId, now } = input;
  const plans = new Map<string, AccountPlan>();
  for (const a of accounts) {
    const plan = planAccount(db, input, a);
    if (plan) plans.set(a.fetched.accountId, plan);
  }
  const chunks = packChunks(
    [...plans.values()].map((p) => ({ accountId: p.input.fetched.accountId, units: p.units })),
    { finish: input.finish !== undefined },
  );
  // The next part of an account is conditional on the version its previous part wrote.
  const versions = new Map<string, number | undefined>([...plans].map(([id, p]) => [id, p.input.account?.version]));
  // Each account's item as the previous chunk left it (what the next batch of a long history builds on).
  const items = new Map<string, StoredBankAccount | undefined>([...plans].map(([id, p]) => [id, p.input.account]));
  for (const chunk of chunks) {
    deps.phases?.("build");
    const actions: TransactAction[] = [];
    const records: OutboxRecord[] = [];
    // Events of the chunk's units (large debits), announced in its one outbox record (ADR 0068).
    const bundled: EventToCommit[] = [];
    const after = new Map<string, StoredBankAccount>();
    for (const part of chunk.parts) {
      const plan = plans.get(part.accountId) as AccountPlan;
      const account = plan.input;
      for (const u of part.units) {
        const built = u.build();
        actions.push(...built.actions);
        bundled.push(...(built.events ?? []));
      }
      const delta = summaryDelta(chunkChanges(part.units));
      // Until the account's last part, the mark stays at the oldest of before and after: a crash
      // between chunks leaves it no newer than any pending transaction still stored.
      const pendingMark = part.last
        ? plan.facts.oldestPendingAt
        : minIso(plan.facts.oldestPendingAt, account.account?.transactionSummary.oldestPendingAt ?? null, account.stored);
      const version = versions.get(part.accountId);
      const balance = balanceOf(account.fetched, now);
      const before = items.get(part.accountId);
      if (version !== undefined) {
        actions.push(
          txUpdateVersioned(
            db,
            keys.account(userId, account.fetched.accountId),
            {
              set: {
                ...(balance ? { balance } : {}),
                closed: plan.facts.closed,
                "transactionSummary.oldestPendingAt": pendingMark,
                updatedAt: now.toISOString(),
              },
              add: { "transactionSummary.totalTransactions": delta.total, "transactionSummary.pendingTransactions": delta.pending },
            },
            version,
          ),
        );
        if (before) {
          after.set(part.accountId, {
            ...before,
            ...(balance ? { balance } : {}),
            closed: plan.facts.closed,
            transactionSummary: {
              totalTransactions: before.transactionSummary.totalTransactions + delta.total,
              pendingTransactions: before.transactionSummary.pendingTransactions + delta.pending,
              oldestPendingAt: pendingMark,
            },
            version: version + 1,
            updatedAt: now.toISOString(),
          });
        }
      } else {
        deps.phases?.("seal");
        const sealed = await deps.repos.accounts.seal(newAccount(input, account, delta, pendingMark));
        deps.phases?.("build");
        actions.push(txPutNew(db, bankAccountEntity, sealed));
        after.set(part.accountId, sealed);
      }
      versions.set(part.accountId, version === undefined ? 1 : version + 1);
    }
    const units = unitsOf(chunk);
    // A balance-only change announces nothing: no transaction moved.
    if (units.length > 0) {
      const synced = outboxAction(
        db,
        {
          detailType: "TransactionsSynced",
          input: {
            userId,
            connectionId: input.connectionId,
            syncId: input.syncId,
            correlationId: input.correlationId ?? input.syncId,
            accountIds: chunk.parts.filter((p) => p.units.length > 0).map((p) => p.accountId),
            ...syncedDetail(units),
          },
        },
        now,
        bundled,
      );
      actions.push(synced.action);
      records.push(synced.record);
    }
    const counts = countsOf(chunk);
    const finishAt = chunk.finish && input.finish ? actions.length : -1;
    let finishVersion = 0;
    if (finishAt >= 0 && input.finish) {
      const finish = await input.finish({
        added: result.added + counts.added,
        changed: result.changed + counts.changed,
        removed: result.removed + counts.removed,
      });
      actions.push(finish.action);
      finishVersion = finish.expectedVersion;
    }
    input.guard();
    deps.phases?.("commit");
    try {
      await transactWrite(db.doc, actions);
    } catch (err) {
      // The connection's own condition (version, lease) failed: not a reason to re-diff accounts.
      if (finishAt >= 0 && err instanceof TransactionConditionalCheckFailedError && err.failed.some((f) => f.index === finishAt)) {
        throw new VersionConflictError(keys.connection(userId, input.connectionId), finishVersion, undefined, { cause: err });
      }
      throw err;
    }
    result.writes++;
    result.added += counts.added;
    result.changed += counts.changed;
    result.removed += counts.removed;
    result.records.push(...records);
    for (const [id, item] of after) {
      items.set(id, item);
      result.accounts.set(id, item);
    }
    if (finishAt >= 0) result.finished = true;
  }
}

function countsOf(chunk: WriteChunk): SyncTotals {
  const units = unitsOf(chunk);
  return {
    added: units.filter((u) => u.added).length,
    changed: units.filter((u) => u.changed).length,
    removed: units.filter((u) => u.removed).length,
  };
}

/** The older of the oldest pending after the write and any stored pending before it (mid-write state). */
function minIso(after: string | null, before: string | null, stored: readonly Transaction[]): string | null {
  let ms = after === null ? Number.POSITIVE_INFINITY : Date.parse(after);
  if (before !== null) ms = Math.min(ms, Date.parse(before));
  for (const t of stored) if (t.status === "pending" && !t.deletedAt) ms = Math.min(ms, Date.parse(t.timestamp));
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

function newAccount(input: ConnectionWrite, account: AccountInput, delta: { total: number; pending: number }, oldestPendingAt: string | null) {
  const { now } = input;
  const { fetched } = account;
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
