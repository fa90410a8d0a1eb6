import { type Entity, type TransactAction, txPutNew, txPutVersioned } from "@expenzez/db";
import type { z } from "zod";
import type { RecurringDeps } from "./deps";

/** A put that is new (`expectedVersion` undefined), or replaces the version it read. */
export function put<S extends z.ZodType<{ version: number }>>(
  deps: RecurringDeps,
  entity: Entity<S>,
  item: z.input<S>,
  expectedVersion: number | undefined,
): TransactAction {
  return expectedVersion === undefined ? txPutNew(deps.db, entity, item) : txPutVersioned(deps.db, entity, item, expectedVersion);
}
