import type { z } from "zod";
import type { Entity } from "../entity";
import { type KeyQuery, queryAll, queryPage } from "../items";
import { userPk } from "../keys";
import type { Db, Page, PageOptions } from "../table";

function prefixQuery(userId: string, skPrefix: string): KeyQuery {
  return {
    KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
    ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": skPrefix },
  };
}

/**
 * One page of a user's items of one type (`begins_with` on the sort key).
 *
 * @example await listUserItems(db, categoryRuleEntity, userId, SK_PREFIX.rule, { limit: 100 })
 */
export function listUserItems<S extends z.ZodType>(
  db: Db,
  entity: Entity<S>,
  userId: string,
  skPrefix: string,
  options: PageOptions = {},
): Promise<Page<z.output<S>>> {
  return queryPage(db, entity, `user:${userId}:${skPrefix}`, prefixQuery(userId, skPrefix), options);
}

/** Every item of one type under a user (bounded sets: rules, budgets, accounts). */
export function listAllUserItems<S extends z.ZodType>(db: Db, entity: Entity<S>, userId: string, skPrefix: string): Promise<z.output<S>[]> {
  return queryAll(db, entity, `user:${userId}:${skPrefix}`, prefixQuery(userId, skPrefix));
}
