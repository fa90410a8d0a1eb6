import type { Db } from "@expenzez/db";

/** The eight invariants of the design (section 6), by the name the report uses. */
export const INVARIANTS = [
  "counts",
  "exactly_once",
  "balances",
  "user_categories",
  "budgets",
  "alerts_once",
  "syncs_announced",
  "no_plaintext_secrets",
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Violation {
  invariant: InvariantName;
  userId?: string;
  /** One sentence a person can act on. */
  message: string;
}

/** What the bank serves for one account now (read from the bank, not from our table). */
export interface BankAccountTruth {
  /** The bank's account id (`providerAccountId` on our item). */
  providerAccountId: string;
  /** `normalised_provider_transaction_id` of every booked transaction, all history. */
  booked: string[];
  /** The same for every transaction pending now. */
  pending: string[];
  /** The balance the bank reports now, in minor units. */
  balance?: { currentMinor: number; availableMinor?: number };
  /** Account number, sort code, IBAN, card number as the bank sends them: never at rest in plaintext. */
  identifiers: string[];
}

export interface UserToCheck {
  userId: string;
  /** What the bank serves for this user's accounts; without it, exactly-once and balances are checked only within the table. */
  bank?: BankAccountTruth[];
  /** Categories the user chose (by our transactionId): a re-sync must keep each. */
  userCategories?: { transactionId: string; primary: string }[];
  /** Tokens or other strings that must never appear in the user's items. */
  secrets?: string[];
}

export interface CheckInput {
  /** Only its `send` and the table name are used: plain Queries. */
  table: Db;
  users: UserToCheck[];
  /**
   * What the bus carried, from an independent tap: the connections announced by a
   * TransactionsSynced, and every event's correlationId (a sync job's id). Without it the
   * announcement check only looks for events left in the outbox. With `eventIds` (every event id
   * the tap saw), an outbox record whose event the bus carried counts as published and waiting
   * for its delete (the relay batches deletes, ADR 0068), not as unpublished.
   */
  announced?: { syncedConnections: ReadonlySet<string>; correlationIds: ReadonlySet<string>; eventIds?: ReadonlySet<string> };
  /** Push messages the FCM stand-in accepted, by their data: catches a duplicate delivery the history would not show. */
  pushes?: { token?: string; data?: Record<string, string> }[];
  /** Versions seen by an earlier check (`CheckReport.versions`): none may have gone down. */
  previousVersions?: ReadonlyMap<string, number>;
  /** How long a published outbox record may still wait for its delete (default 60 s, the sweep's age); older ones are violations. */
  outboxDeleteGraceMs?: number;
  /** Log files to scan for the secrets (tokens, account numbers) found above. */
  logFiles?: string[];
}

export interface CheckReport {
  ok: boolean;
  violations: Violation[];
  /** How many things each invariant looked at (a check that looked at nothing proves nothing). */
  checked: Record<InvariantName, number>;
  /** Counts of what was read, for the report. */
  totals: {
    users: number;
    accounts: number;
    transactions: number;
    budgets: number;
    notifications: number;
    /** Events committed but never published. */
    /** Outbox records left that are not awaiting their delete (all that are left, without `announced.eventIds`). */
    outboxLeft: number;
    /** Outbox records left whose event the bus carried, younger than the grace: published, their delete still batched. */
    outboxAwaitingDelete: number;
    /** Transactions the bank serves that are not stored. */
    lostTransactions: number;
  };
  /** `PK|SK` → version of every versioned item, for the next check's `previousVersions`. */
  versions: Map<string, number>;
}
