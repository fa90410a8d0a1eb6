import { MAX_TRANSACT_ACTIONS, type StoredBankAccount, type TransactAction, type Transaction, type TransactionInput } from "@expenzez/db";
import type { EventToCommit } from "@expenzez/runtime";
import type { Reconciliation } from "@expenzez/sync";

/** Changes to an account's counters from one set of transaction writes; exact, never recounted. */
export interface SummaryDelta {
  total: number;
  pending: number;
}

const isPending = (t: { status?: string }) => (t.status === "pending" ? 1 : 0);

/** The counter deltas that writing these changes causes. */
export function summaryDelta(changes: {
  added: readonly TransactionInput[];
  changed: readonly { before: Transaction; next: TransactionInput }[];
  removed: readonly Transaction[];
}): SummaryDelta {
  let total = 0;
  let pending = 0;
  for (const t of changes.added) {
    total++;
    pending += isPending(t);
  }
  for (const c of changes.changed) {
    // A soft-deleted one the bank served again counts anew (its removal took it off the counters).
    if (c.before.deletedAt) {
      total++;
      pending += isPending(c.next);
    } else pending += isPending(c.next) - isPending(c.before);
  }
  for (const t of changes.removed) {
    total--;
    pending -= isPending(t);
  }
  return { total, pending };
}

/** The actions of one write unit, and the events it raises (announced in its transaction's outbox record). */
export interface BuiltUnit {
  actions: TransactAction[];
  events?: EventToCommit[];
}

/** One transaction's write and whatever must commit with it (e.g. its large-transaction event). */
export interface WriteUnit {
  /** Actions it takes in a transaction. */
  size: number;
  /**
   * Its actions, built when its transaction is written: a long history's items are not all held
   * as request payloads at once, only one transaction's worth.
   */
  build(): BuiltUnit;
  added?: TransactionInput;
  changed?: { before: Transaction; next: TransactionInput };
  removed?: Transaction;
}

/** One account's share of a transaction: its units there, and where it stands in the account's writes. */
export interface ChunkPart {
  accountId: string;
  units: WriteUnit[];
  /** The account's first part of this write (a new account is put here). */
  first: boolean;
  /** The account's last part (its final oldest-pending mark is written here). */
  last: boolean;
}

/** One TransactWriteItems call: account parts; each part adds its account's write, the chunk one synced event. */
export interface WriteChunk {
  parts: ChunkPart[];
  /** The connection's finishing write (lease released) rides in this transaction. */
  finish: boolean;
}

/** A unit whose actions exist already (changes and deletes are small; tests). */
export function builtUnit(built: BuiltUnit): Pick<WriteUnit, "size" | "build"> {
  return { size: built.actions.length, build: () => built };
}

/** An account with something to write: its transactions' units (none for a balance-only change). */
export interface AccountUnits {
  accountId: string;
  units: readonly WriteUnit[];
}

/** Actions a chunk reserves whatever it holds: its TransactionsSynced outbox record. */
export const RESERVED_PER_CHUNK = 1;

/**
 * Packs the connection's writes into transactions of at most `limit` actions, across accounts:
 * each chunk holds up to ~98 transactions and, per account it touches, that account's update
 * (balance, exact counter deltas for its units in the chunk), plus one TransactionsSynced
 * record. A unit (a transaction and its large-transaction event) is never split. With
 * `finish`, the connection's finishing write goes into the last chunk when it has room (else
 * the caller writes it alone). Each chunk commits its transactions, their counters and their
 * announcement together, so a crash between chunks leaves counts exact and every committed write
 * announced. Nothing to write gives no chunk.
 */
export function packChunks(accounts: readonly AccountUnits[], options: { finish: boolean; limit?: number }): WriteChunk[] {
  const limit = options.limit ?? MAX_TRANSACT_ACTIONS;
  const chunks: WriteChunk[] = [];
  let current: WriteChunk = { parts: [], finish: false };
  let size = RESERVED_PER_CHUNK;
  const close = () => {
    chunks.push(current);
    current = { parts: [], finish: false };
    size = RESERVED_PER_CHUNK;
  };
  for (const account of accounts) {
    let first = true;
    const open = (): ChunkPart => {
      const part: ChunkPart = { accountId: account.accountId, units: [], first, last: false };
      first = false;
      current.parts.push(part);
      size += 1;
      return part;
    };
    // Room for the account's write and its first unit, or the account starts the next chunk.
    if (current.parts.length > 0 && size + 1 + (account.units[0]?.size ?? 0) > limit) close();
    let part = open();
    for (const unit of account.units) {
      if (unit.size + RESERVED_PER_CHUNK + 1 > limit) throw new RangeError(`a write unit of ${unit.size} actions cannot fit one transaction`);
      if (size + unit.size > limit) {
        close();
        part = open();
      }
      part.units.push(unit);
      size += unit.size;
    }
    part.last = true;
  }
  if (current.parts.length === 0) return chunks;
  if (options.finish && size + 1 <= limit) current.finish = true;
  chunks.push(current);
  return chunks;
}

/** The units of a chunk, all accounts together. */
export function unitsOf(chunk: WriteChunk): WriteUnit[] {
  return chunk.parts.flatMap((p) => p.units);
}

/** The changes carried by one chunk, in the shape `summaryDelta` reads. */
export function chunkChanges(chunk: readonly WriteUnit[]): Pick<Reconciliation, "added" | "changed" | "removed"> {
  return {
    added: chunk.flatMap((u) => (u.added ? [u.added] : [])),
    changed: chunk.flatMap((u) => (u.changed ? [u.changed] : [])),
    removed: chunk.flatMap((u) => (u.removed ? [u.removed] : [])),
  };
}

/** What the sync knows of an account before it reads any transaction: its stored item, if any. */
export interface KnownAccount {
  accountId: string;
  /** Absent: the account is new, so nothing is stored for it (it is created with its first transactions). */
  stored?: Pick<StoredBankAccount, "transactionSummary">;
}

/** Stored pending transactions of an account that predates `oldestPendingAt` are looked for this far back. */
export const LEGACY_PENDING_LOOKBACK_MS = 30 * 86_400_000;

/**
 * The one read of stored transactions a connection's sync needs: none when every account is
 * new; otherwise one time range (GSI2, the user's partition) covering the booked window and every
 * stored pending transaction of the known accounts.
 *
 * @example planReads({ accounts: [{ accountId: "a1" }], window, now }) // { read: false }
 */
export function planReads(input: {
  accounts: readonly KnownAccount[];
  window: { from: string; to: string };
  now: Date;
  /**
   * An earlier batch of a long history: only the booked range up to `window.to` (and a day), not
   * the stored pending ones, which the last batch reads and reconciles.
   */
  interim?: boolean;
}): ReadPlan {
  const known = input.accounts.filter((a) => a.stored);
  if (known.length === 0) return { read: false };
  // Banks filter booked transactions by day (and date them at midnight): read from a day before
  // the window's first day, or a transaction the bank serves would look new to us.
  const windowDay = Date.parse(`${input.window.from.slice(0, 10)}T00:00:00.000Z`);
  let from = windowDay - 86_400_000;
  if (input.interim) return { read: true, from: new Date(from).toISOString(), to: new Date(Date.parse(input.window.to) + 86_400_000).toISOString() };
  for (const a of known) {
    const summary = a.stored?.transactionSummary;
    if (!summary || summary.pendingTransactions === 0 || summary.oldestPendingAt === null) continue;
    // Not tracked yet (an item from before `oldestPendingAt`): the old 30-day look-back, once.
    const oldest = summary.oldestPendingAt ? Date.parse(summary.oldestPendingAt) : input.now.getTime() - LEGACY_PENDING_LOOKBACK_MS;
    from = Math.min(from, oldest);
  }
  // Pending timestamps can run ahead of our clock by the bank's; a day covers it.
  return { read: true, from: new Date(from).toISOString(), to: new Date(input.now.getTime() + 86_400_000).toISOString() };
}

export type ReadPlan = { read: false } | { read: true; from: string; to: string };

/**
 * The oldest pending timestamp after a diff is written: the stored pending ones not removed or
 * booked, and the new or changed ones still pending; null when none is left.
 */
export function oldestPendingAfter(stored: readonly Transaction[], diff: Pick<Reconciliation, "added" | "changed" | "removed">): string | null {
  const pending = new Map<string, string>();
  for (const t of stored) if (t.status === "pending" && !t.deletedAt) pending.set(t.transactionId, t.timestamp);
  for (const t of diff.removed) pending.delete(t.transactionId);
  for (const c of diff.changed) {
    if (c.next.status === "pending") pending.set(c.next.transactionId, c.next.timestamp);
    else pending.delete(c.next.transactionId);
  }
  for (const t of diff.added) if (t.status === "pending") pending.set(t.transactionId, t.timestamp);
  let oldest: string | null = null;
  let oldestMs = Number.POSITIVE_INFINITY;
  for (const ts of pending.values()) {
    const ms = Date.parse(ts);
    if (ms < oldestMs) {
      oldestMs = ms;
      oldest = new Date(ms).toISOString();
    }
  }
  return oldest;
}

/** The account attributes a sync sets; compared with the stored ones to skip an unchanged account. */
export interface AccountFacts {
  balance?: { currentMinor: number; availableMinor?: number };
  closed: boolean;
  oldestPendingAt: string | null;
}

/**
 * True when writing this account would change nothing: no transaction to write, and the same
 * balance (in pence), closed flag and oldest pending date as stored. Then nothing is written and
 * no event is sent.
 */
export function accountUnchanged(units: readonly WriteUnit[], stored: StoredBankAccount | undefined, next: AccountFacts): boolean {
  if (!stored || units.length > 0) return false;
  if (stored.closed !== next.closed) return false;
  if ((stored.transactionSummary.oldestPendingAt ?? undefined) !== (next.oldestPendingAt ?? undefined)) return false;
  if (stored.transactionSummary.oldestPendingAt === undefined && stored.transactionSummary.pendingTransactions > 0) return false;
  if (!next.balance) return true;
  return stored.balance?.currentMinor === next.balance.currentMinor && stored.balance?.availableMinor === next.balance.availableMinor;
}
