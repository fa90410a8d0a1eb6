import type { Db, Repositories } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import type { RelayDeps } from "@expenzez/runtime";

/** What the re-categorisation functions need; the clock and ids are injectable for tests. */
export interface RecategoriseDeps {
  db: Db;
  repos: Pick<Repositories, "transactions" | "rules" | "categoryEdits">;
  /** Publishes the outbox events right after each commit (the sweep catches any it misses). */
  relay: RelayDeps;
  log: Logger;
  now?: () => Date;
  newId?: () => string;
}
