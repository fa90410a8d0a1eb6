import type { Db, Repositories } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { OutboxDeleteBatcher, RelayDeps } from "@expenzez/runtime";

/** Everything the detector's use cases touch, injected so tests and both runtimes share them. */
export interface RecurringDeps {
  db: Db;
  repos: Pick<Repositories, "transactions" | "recurring">;
  /** Publishes outbox records right after commit; the sweep catches any it misses. */
  relay: RelayDeps;
  log: Logger;
  now?: () => Date;
  /** Gathers the relay's outbox deletes across evaluations into full batches; absent: each relay deletes its own. */
  outboxDeletes?: OutboxDeleteBatcher;
}
