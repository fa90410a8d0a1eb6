/**
 * The fewest DynamoDB requests a first sync can take in this design (docs/sync-worker.md,
 * "DynamoDB requests"): one lease UpdateItem, which is also the read of the connection, then
 * T TransactWriteItems of at most 100 actions, then the relay's outbox deletes, one record per
 * transaction amortised 25 to a BatchWriteItem across jobs. T is the least count whose actions
 * fit: the new transactions, one account action per account a transaction touches (a + T − 1 at
 * most, when every chunk boundary splits an account), one outbox record each, and the finish.
 *
 * The bench reports it beside the measured figure so its table says what is left of the ≤ 15
 * target on the run's own data, and why.
 */
export const MAX_TRANSACT_ACTIONS = 100;
export const BATCH_DELETE_SIZE = 25;

export function transactWritesNeeded(newTransactions: number, accounts: number): number {
  for (let t = 1; ; t++) {
    if (newTransactions + (accounts + t - 1) + t + 1 <= MAX_TRANSACT_ACTIONS * t) return t;
  }
}

export type ConnectionShape = { newTransactions: number; accounts: number };

/** Requests per 1,000 new transactions at the floor, over the given connections' first syncs. */
export function requestFloorPer1000(connections: readonly ConnectionShape[]): { per1000: number; withoutDeletesPer1000: number; requests: number } {
  let requests = 0;
  let withoutDeletes = 0;
  let tx = 0;
  for (const c of connections) {
    if (c.newTransactions === 0) continue;
    const t = transactWritesNeeded(c.newTransactions, c.accounts);
    withoutDeletes += 1 + t;
    requests += 1 + t + t / BATCH_DELETE_SIZE;
    tx += c.newTransactions;
  }
  return { per1000: tx ? (requests * 1000) / tx : 0, withoutDeletesPer1000: tx ? (withoutDeletes * 1000) / tx : 0, requests };
}

/** The smallest new transactions per connection (at this many accounts) whose floor meets a per-1,000 target. */
export function connectionSizeMeeting(targetPer1000: number, accounts: number): number {
  for (let n = 1; n < 100_000; n++) {
    const { per1000 } = requestFloorPer1000([{ newTransactions: n, accounts }]);
    if (per1000 <= targetPer1000) return n;
  }
  return Number.NaN;
}
