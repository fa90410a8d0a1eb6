import type { z } from "zod";
import { type Entity, LAYOUT_ATTRIBUTES, unversionedValues } from "./entity";
import { INDEX_KEY_SOURCES } from "./index-sources";
import type { TableKey } from "./keys";
import type { Db } from "./table";
import type { TransactAction } from "./transact";
import { versionCondition } from "./version-condition";

/** Put of a new item: fails the transaction if the key exists. */
export function txPutNew<S extends z.ZodType>(db: Db, entity: Entity<S>, value: z.input<S>): TransactAction {
  return { Put: { TableName: db.tableName, Item: entity.toItem(value), ConditionExpression: "attribute_not_exists(PK)" } };
}

/** `txPutNew` for a value just returned by `entity.parse` (validated once, not twice). */
export function txPutNewParsed<S extends z.ZodType>(db: Db, entity: Entity<S>, value: z.output<S>): TransactAction {
  return { Put: { TableName: db.tableName, Item: entity.toItemParsed(value), ConditionExpression: "attribute_not_exists(PK)" } };
}

/** Replacement of an item whose stored version must be `expectedVersion`; writes `expectedVersion + 1`. */
export function txPutVersioned<S extends z.ZodType<{ version: number }>>(
  db: Db,
  entity: Entity<S>,
  value: z.input<S>,
  expectedVersion: number,
): TransactAction {
  const item = entity.toItem({ ...(value as object), version: expectedVersion + 1 } as z.input<S>);
  return { Put: { TableName: db.tableName, Item: item, ...versionCondition(expectedVersion, unversionedValues(entity, item)) } };
}

/** Delete, optionally only while the version matches. */
export function txDelete(db: Db, key: TableKey, expectedVersion?: number): TransactAction {
  return {
    Delete: {
      TableName: db.tableName,
      Key: { PK: key.PK, SK: key.SK },
      ...(expectedVersion === undefined ? {} : versionCondition(expectedVersion)),
    },
  };
}

/** Asserts an item's version without writing it. */
export function txCheckVersion(db: Db, key: TableKey, expectedVersion: number): TransactAction {
  return {
    ConditionCheck: {
      TableName: db.tableName,
      Key: { PK: key.PK, SK: key.SK },
      ...versionCondition(expectedVersion),
    },
  };
}

/**
 * Versioned partial update: `SET` attributes and `ADD` integer deltas (minor units, counters)
 * at dotted paths, bumping `version` to `expectedVersion + 1`. The caller validates values;
 * `ADD` keeps concurrent-safe exact sums. Attributes that index keys derive from (a
 * transaction's `category` or `timestamp`, a connection's `status` or `nextSyncAt`, an email)
 * are refused: this update cannot rebuild the GSI keys; use `txPutVersioned`.
 *
 * @example txUpdateVersioned(db, keys.account(u, a), { add: { "transactionSummary.totalTransactions": 3 }, set: { balance } }, 7)
 */
export function txUpdateVersioned(
  db: Db,
  key: TableKey,
  changes: { set?: Record<string, unknown>; add?: Record<string, number> },
  expectedVersion: number,
): TransactAction {
  const indexSources = INDEX_KEY_SOURCES.find((s) => s.sk(key.SK))?.attributes ?? [];
  return { Update: { TableName: db.tableName, Key: { PK: key.PK, SK: key.SK }, ...versionedUpdateExpression(changes, expectedVersion, indexSources) } };
}

/**
 * The expression parts of a versioned SET/ADD update (shared with single-item updates). Refuses
 * layout attributes, `version` and `indexSources` (attributes the item's GSI keys derive from).
 */
export function versionedUpdateExpression(
  changes: { set?: Record<string, unknown>; add?: Record<string, number> },
  expectedVersion: number,
  indexSources: readonly string[] = [],
) {
  const condition = versionCondition(expectedVersion);
  const names = condition.ExpressionAttributeNames;
  const values = condition.ExpressionAttributeValues;
  values[":next"] = expectedVersion + 1;
  const nameOf = (path: string) =>
    path
      .split(".")
      .map((segment) => {
        const placeholder = `#n${Object.keys(names).length}`;
        names[placeholder] = segment;
        return placeholder;
      })
      .join(".");
  for (const path of [...Object.keys(changes.set ?? {}), ...Object.keys(changes.add ?? {})]) {
    const top = path.split(".")[0] as string;
    // Keys, GSI keys and TTL come from the entity's layout; the version only from this update's own bump.
    if (LAYOUT_ATTRIBUTES.has(top) || top === "version") throw new TypeError(`"${path}" is not changed by a partial update`);
    if (indexSources.includes(top)) throw new TypeError(`"${path}" feeds an index key that a partial update cannot rebuild; use a versioned put`);
  }
  const sets = ["#version = :next"];
  Object.entries(changes.set ?? {}).forEach(([path, value], i) => {
    values[`:s${i}`] = value;
    sets.push(`${nameOf(path)} = :s${i}`);
  });
  const adds: string[] = [];
  Object.entries(changes.add ?? {}).forEach(([path, delta], i) => {
    if (!Number.isSafeInteger(delta)) throw new TypeError(`ADD ${path}: delta must be a safe integer (minor units), got ${delta}`);
    values[`:a${i}`] = delta;
    const name = nameOf(path);
    // DynamoDB's ADD works on top-level attributes only; nested counters use the equivalent atomic SET.
    if (path.includes(".")) {
      values[":zero"] = 0;
      sets.push(`${name} = if_not_exists(${name}, :zero) + :a${i}`);
    } else adds.push(`${name} :a${i}`);
  });
  return {
    UpdateExpression: `SET ${sets.join(", ")}${adds.length ? ` ADD ${adds.join(", ")}` : ""}`,
    ...condition,
  };
}
