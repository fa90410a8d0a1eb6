import type { Db, Repositories } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { RelayDeps } from "@expenzez/runtime";

/** Everything budget-recalc touches, injected so tests, the CLI and both runtimes share one core. */
export interface BudgetDeps {
  db: Db;
  repos: Pick<Repositories, "budgets" | "transactions" | "profiles">;
  /** Publishes outbox records right after commit; the sweep catches any it misses. */
  relay: RelayDeps;
  log: Logger;
  now?: () => Date;
  /**
   * How long an event's idempotency claim holds off other deliveries while it is handled
   * (default 60 s, the queue's visibility timeout). A delivery that dies holding it (a killed
   * process) delays the event by this much, so it is as short as a handling may take.
   */
  claimLeaseSeconds?: number;
}

/** The budget-recalc queue's visibility timeout: a handling never takes longer than this. */
export const DEFAULT_CLAIM_LEASE_SECONDS = 60;
