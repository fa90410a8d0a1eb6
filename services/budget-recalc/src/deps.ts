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
}
