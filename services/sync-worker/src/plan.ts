import { MAX_TRANSACT_ACTIONS, type OutboxRecord, type TransactAction, type Transaction, type TransactionInput } from "@expenzez/db";
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
  for (const c of changes.changed) pending += isPending(c.next) - isPending(c.before);
  for (const t of changes.removed) {
    total--;
    pending -= isPending(t);
  }
  return { total, pending };
}

/** One transaction's write and whatever must commit with it (e.g. its large-transaction event). */
export interface WriteUnit {
  actions: TransactAction[];
  /** Outbox records among `actions`, relayed after the commit. */
  records?: OutboxRecord[];
  added?: TransactionInput;
  changed?: { before: Transaction; next: TransactionInput };
  removed?: Transaction;
}

/** One TransactWriteItems call: its units; the caller adds the account update and the synced event. */
export type WriteChunk = WriteUnit[];

/** Actions every chunk reserves: the account's versioned update and its TransactionsSynced outbox record. */
export const RESERVED_PER_CHUNK = 2;

/**
 * Packs write units into transactions of at most 100 actions, keeping each unit whole and
 * leaving room in every chunk for the account update and the synced event. Each chunk then
 * commits its transactions, their counter deltas and their announcement together, so a crash
 * between chunks leaves counts exact and every committed write announced. An empty input gives
 * one empty chunk: a sync with no changes still updates the balance and announces itself.
 */
export function chunkUnits(units: readonly WriteUnit[], limit = MAX_TRANSACT_ACTIONS): WriteChunk[] {
  const capacity = limit - RESERVED_PER_CHUNK;
  const chunks: WriteChunk[] = [];
  let current: WriteChunk = [];
  let size = 0;
  for (const unit of units) {
    if (unit.actions.length > capacity) throw new RangeError(`a write unit of ${unit.actions.length} actions cannot fit one transaction`);
    if (size + unit.actions.length > capacity) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(unit);
    size += unit.actions.length;
  }
  chunks.push(current);
  return chunks;
}

/** The changes carried by one chunk, in the shape `summaryDelta` reads. */
export function chunkChanges(chunk: WriteChunk): Pick<Reconciliation, "added" | "changed" | "removed"> {
  return {
    added: chunk.flatMap((u) => (u.added ? [u.added] : [])),
    changed: chunk.flatMap((u) => (u.changed ? [u.changed] : [])),
    removed: chunk.flatMap((u) => (u.removed ? [u.removed] : [])),
  };
}
