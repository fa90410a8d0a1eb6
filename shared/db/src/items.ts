import {
  DeleteCommand,
  GetCommand,
  type GetCommandOutput,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";
import { isConditionalCheckFailed, rethrowAws } from "./aws-errors";
import { decodeCursor, encodeCursor, pageLimit } from "./cursor";
import { type Entity, type Item, unversionedValues } from "./entity";
import { ConditionalCheckFailedError, EntityValidationError, VersionConflictError } from "./errors";
import type { TableKey } from "./keys";
import type { Db, Page, PageOptions } from "./table";
import { versionCondition } from "./version-condition";

type Versioned = { version: number };

/**
 * Reads one item by key and validates it; `undefined` when absent. Strongly consistent by
 * default because callers read-modify-write with a version condition.
 */
export async function getEntity<S extends z.ZodType>(db: Db, entity: Entity<S>, key: TableKey, options: { consistent?: boolean } = {}) {
  let out: GetCommandOutput;
  try {
    out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: options.consistent ?? true }));
  } catch (err) {
    rethrowAws(err, "GetItem");
  }
  return out.Item ? entity.fromItem(out.Item) : undefined;
}

/**
 * Writes a new item; fails with `ConditionalCheckFailedError` when one with the same key exists.
 *
 * @example await putNew(db, userBudgetEntity, budget)
 */
export async function putNew<S extends z.ZodType>(db: Db, entity: Entity<S>, value: z.input<S>): Promise<z.output<S>> {
  const item = entity.toItem(value);
  const key = { PK: item.PK as string, SK: item.SK as string };
  try {
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item, ConditionExpression: "attribute_not_exists(PK)" }));
  } catch (err) {
    if (isConditionalCheckFailed(err)) throw new ConditionalCheckFailedError(key, `${entity.entityType} ${key.PK} / ${key.SK} already exists`, { cause: err });
    rethrowAws(err, "PutItem");
  }
  return entity.fromItem(item);
}

/** Writes an item whatever is stored (upserts of items without a version, e.g. push tokens). */
export async function putItem<S extends z.ZodType>(db: Db, entity: Entity<S>, value: z.input<S>): Promise<z.output<S>> {
  const item = entity.toItem(value);
  try {
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));
  } catch (err) {
    rethrowAws(err, "PutItem");
  }
  return entity.fromItem(item);
}

/**
 * Replaces an item only if its stored `version` is `expectedVersion`, writing `expectedVersion + 1`.
 * Throws `VersionConflictError` (with the version found) otherwise; never overwrites silently.
 *
 * @example const saved = await updateVersioned(db, userBudgetEntity, { ...budget, spentMinor }, budget.version)
 */
export async function updateVersioned<S extends z.ZodType<Versioned>>(
  db: Db,
  entity: Entity<S>,
  value: z.input<S>,
  expectedVersion: number,
): Promise<z.output<S>> {
  const item = entity.toItem({ ...(value as object), version: expectedVersion + 1 } as z.input<S>);
  const key = { PK: item.PK as string, SK: item.SK as string };
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: item,
        ...versionCondition(expectedVersion, unversionedValues(entity, item)),
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
  } catch (err) {
    if (isConditionalCheckFailed(err)) throw new VersionConflictError(key, expectedVersion, versionOf((err as { Item?: unknown }).Item), { cause: err });
    rethrowAws(err, "PutItem");
  }
  return entity.fromItem(item);
}

/** Deletes an item; with `expectedVersion` only if the version still matches. */
export async function deleteItem(db: Db, key: TableKey, expectedVersion?: number): Promise<void> {
  try {
    await db.doc.send(
      new DeleteCommand({
        TableName: db.tableName,
        Key: key,
        ...(expectedVersion === undefined ? {} : versionCondition(expectedVersion)),
      }),
    );
  } catch (err) {
    if (isConditionalCheckFailed(err) && expectedVersion !== undefined) throw new VersionConflictError(key, expectedVersion, undefined, { cause: err });
    rethrowAws(err, "DeleteItem");
  }
}

/** The condition of a key query: everything of QueryCommandInput except paging. */
export type KeyQuery = Omit<QueryCommandInput, "TableName" | "Limit" | "ExclusiveStartKey">;

/**
 * One page of a key query, validated through the entity; the cursor is scoped to `scope`.
 *
 * @example await queryPage(db, transactionEntity, "tx-by-time:u1", { IndexName: "GSI2", ... }, { limit: 100 })
 */
export async function queryPage<S extends z.ZodType>(
  db: Db,
  entity: Entity<S>,
  scope: string,
  query: KeyQuery,
  options: PageOptions = {},
): Promise<Page<z.output<S>>> {
  const out = await queryOnePage(db, scope, query, options);
  return { items: (out.Items ?? []).map((i: Item) => entity.fromItem(i)), cursor: encodeCursor(scope, out.LastEvaluatedKey) };
}

/** An item a query read that does not pass its entity's schema: reported by key so the others still run. */
export interface InvalidItem {
  key: TableKey;
  error: EntityValidationError;
}

/**
 * `queryPage` for passes over many users' items (a due index): an item that fails its schema is
 * returned in `invalid` instead of failing the page, so one bad item cannot stop the pass.
 */
export async function queryPageChecked<S extends z.ZodType>(
  db: Db,
  entity: Entity<S>,
  scope: string,
  query: KeyQuery,
  options: PageOptions = {},
): Promise<Page<z.output<S>> & { invalid: InvalidItem[] }> {
  const out = await queryOnePage(db, scope, query, options);
  const items: z.output<S>[] = [];
  const invalid: InvalidItem[] = [];
  for (const item of out.Items ?? []) {
    try {
      items.push(entity.fromItem(item));
    } catch (err) {
      if (!(err instanceof EntityValidationError)) throw err;
      invalid.push({ key: { PK: String(item.PK), SK: String(item.SK) }, error: err });
    }
  }
  return { items, invalid, cursor: encodeCursor(scope, out.LastEvaluatedKey) };
}

/** One raw page of a key query (no entity): for reads that project a few attributes, such as a due index's keys. */
export async function queryOnePage(db: Db, scope: string, query: KeyQuery, options: PageOptions = {}): Promise<QueryCommandOutput> {
  const input = { ...query, TableName: db.tableName, Limit: pageLimit(options.limit), ExclusiveStartKey: decodeCursor(scope, options.cursor) };
  try {
    return await db.doc.send(new QueryCommand(input));
  } catch (err) {
    rethrowAws(err, "Query");
  }
}

/** Every item of a key query, page by page. For bounded sets (one budget period, one user's rules). */
export async function queryAll<S extends z.ZodType>(db: Db, entity: Entity<S>, scope: string, query: KeyQuery, pageSize = 500): Promise<z.output<S>[]> {
  const all: z.output<S>[] = [];
  let cursor: string | undefined;
  do {
    const page = await queryPage(db, entity, scope, query, { limit: pageSize, cursor });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

function versionOf(item: unknown): number | undefined {
  if (!item || typeof item !== "object") return undefined;
  const v = (item as Record<string, unknown>).version;
  // The SDK does not unmarshall items attached to errors: accept both shapes.
  if (typeof v === "number") return v;
  if (v && typeof v === "object" && "N" in v) return Number((v as { N: string }).N);
  return undefined;
}
