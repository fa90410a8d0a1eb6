import type { z } from "zod";
import type { Entity } from "../entity";
import { type InvalidItem, type KeyQuery, queryAll, queryPage, queryPageChecked } from "../items";
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

/**
 * `listAllUserItems`, each item validated on its own: one its schema refuses is in `invalid` (by
 * key) instead of failing the read, for callers that can go on without it.
 */
export async function listAllUserItemsChecked<S extends z.ZodType>(
  db: Db,
  entity: Entity<S>,
  userId: string,
  skPrefix: string,
): Promise<{ items: z.output<S>[]; invalid: InvalidItem[] }> {
  const out: { items: z.output<S>[]; invalid: InvalidItem[] } = { items: [], invalid: [] };
  let cursor: string | undefined;
  do {
    const page = await queryPageChecked(db, entity, `user:${userId}:${skPrefix}`, prefixQuery(userId, skPrefix), { limit: 500, cursor });
    out.items.push(...page.items);
    out.invalid.push(...page.invalid);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
