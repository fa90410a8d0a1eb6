import type { Db, Repositories } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { OutboxDeleteBatcher, RelayDeps } from "@expenzez/runtime";
import type { TrueLayerClient } from "@expenzez/truelayer";
import type { SyncPhase } from "./phases";

/** Everything the sync handler touches, injected so tests and both runtimes share one handler. */
export interface SyncDeps {
  db: Db;
  repos: Pick<Repositories, "connections" | "accounts" | "transactions" | "rules">;
  truelayer: TrueLayerClient;
  /** Publishes outbox records right after commit; the sweep catches any it misses. */
  relay: RelayDeps;
  /** Deletes of relayed records gathered across jobs (one BatchWriteItem per 25); absent: each relay deletes its own. */
  outboxDeletes?: OutboxDeleteBatcher;
  log: Logger;
  /** Names this worker in the lease. */
  workerId: string;
  /** How long a lease lasts; longer than a sync takes, shorter than the queue's visibility timeout. */
  leaseSeconds?: number;
  /** Accounts fetched at once per connection. */
  accountConcurrency?: number;
  /** Longest wait before a delivery that found the lease held tries again (seconds). Default 15. */
  leaseRetrySeconds?: number;
  /**
   * Set: a backfill asks for its older history with TrueLayer's async requests, whose callbacks
   * reach the webhook at `webhookUri` (`…/truelayer/results/<secret>`) and come back as results jobs.
   */
  asyncHistory?: { webhookUri: string };
  /**
   * The runtime's request to stop (the handler context's `signal`: shutdown, a Lambda nearing
   * its timeout): the run stops before its next write and releases its lease, and the message
   * comes back at once. Absent (the ops CLI, tests): the run goes to the end.
   */
  signal?: AbortSignal;
  now?: () => Date;
  random?: () => number;
  /** Told as a run enters each phase, for an observer that accounts for them (`phases.ts`); absent, nothing is called. */
  phases?: (phase: SyncPhase) => void;
}
