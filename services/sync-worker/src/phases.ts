/**
 * The phases of a sync job, in the order a run enters them, for an observer that accounts for
 * each (the bench's CPU account, `BENCH_CPU_PHASES`). A phase lasts until the next is entered:
 * the observer is told when each begins, nothing more, so spans never nest and an absent
 * observer costs an optional call. Work that overlaps another phase (a long history's next slice,
 * fetched while a batch is written) counts in the phase it overlaps.
 */
export const SYNC_PHASES = [
  /** The message body through `syncJobSchema`. */
  "parse",
  /** The lease's UpdateItem, and the connection it returns opened (the tokens' KMS Decrypt). */
  "lease",
  /** The user's stored accounts and rules (Queries). */
  "stored",
  /** An access token near its expiry refreshed and stored. */
  "token",
  /** Every bank call: accounts, cards, then per account balance, booked and pending, each transaction through its schema. */
  "fetch",
  /** Categorise the connection's transactions and map them to stored ones. */
  "map",
  /** The read plan and the stored copies' Query. */
  "read",
  /** Reconcile every account and pack the writes into chunks. */
  "plan",
  /** A chunk's actions: entity items and their marshalling, account updates, the outbox record, the finish. */
  "build",
  /** A new account's sealed fields (KMS GenerateDataKey). */
  "seal",
  /** A chunk's TransactWriteItems: its body, the SDK's send, the round trip. */
  "commit",
  /** The finish when no transaction had room for it, the run's log line and metrics. */
  "finish",
  /** The lease keeper stopped, the lease given back if no write released it. */
  "release",
  /** The committed outbox records published (PutEvents) and their deletes queued. */
  "relay",
] as const;

export type SyncPhase = (typeof SYNC_PHASES)[number];
