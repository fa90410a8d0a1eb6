import { INDEXES, TTL_ATTRIBUTE } from "@expenzez/resources";
import type { z } from "zod";
import { EntityValidationError, type ValidationIssue } from "./errors";
import { PK, SK, type TableKey } from "./keys";

/** Attribute that names an item's type; lets generic readers (outbox relay, exports) dispatch. */
export const ENTITY_TYPE = "entityType";

/** Attributes that belong to the table layout, not to the entity: added by `toItem`, stripped by `fromItem`. */
export const LAYOUT_ATTRIBUTES: ReadonlySet<string> = new Set([
  PK,
  SK,
  ...Object.values(INDEXES).flatMap((i) => [i.partitionKey, i.sortKey]),
  TTL_ATTRIBUTE,
  ENTITY_TYPE,
]);

/** Layout attributes of one item: its primary key, the GSI keys it takes part in, TTL. */
export type ItemLayout = TableKey & Partial<Record<string, string | number | undefined>>;

export type Item = Record<string, unknown>;

/** One item type of the single table: schema, key layout and the item mapping. */
export interface Entity<S extends z.ZodType> {
  readonly entityType: string;
  readonly schema: S;
  /** Attributes written outside the version (the sync lease): a versioned put must find them as it read them. */
  readonly unversioned: readonly string[];
  /** Attributes not stored because the keys hold them (see `defineEntity`'s `derived`). */
  readonly derived: readonly string[];
  /** Validates (applying schema defaults) and throws `EntityValidationError` naming the first bad field. */
  parse(value: z.input<S>): z.output<S>;
  /** Primary key of a (valid) entity. */
  key(value: z.output<S>): TableKey;
  /** The key layout as declared (keys, GSI keys, TTL): what `toItem` adds; read by the index-source derivation. */
  readonly layout: (value: z.output<S>) => ItemLayout;
  /** Validated entity → table item with keys, GSI keys, TTL and `entityType`. */
  toItem(value: z.input<S>): Item;
  /**
   * `toItem` for a value this process has just produced with `parse` (no second validation: the
   * sync writes thousands of items it validated while mapping them).
   */
  toItemParsed(value: z.output<S>): Item;
  /** Table item → validated entity (by `readSchema` when there is one), without layout attributes. */
  fromItem(item: Item): z.output<S>;
}

/**
 * Declares an entity once; every read and write goes through its schema.
 *
 * @example
 * export const ruleEntity = defineEntity("CategoryRule", categoryRuleSchema, (r) => keys.rule(r.userId, r.ruleId));
 */
export function defineEntity<S extends z.ZodType>(
  entityType: string,
  schema: S,
  layout: (value: z.output<S>) => ItemLayout,
  options: {
    unversioned?: readonly string[];
    /**
     * Reads items with this schema instead of `schema`: one that still accepts what items written
     * before a stricter write rule hold (a profile's `timeZone` is checked on write; readers fall
     * back for older items). Writes always go through `schema`.
     */
    readSchema?: z.ZodType<z.output<S>>;
    /**
     * Attributes the primary key already holds (a transaction's `userId` in PK, its id in SK):
     * not stored again, restored from the key on read. Items that still carry them read the same.
     */
    derived?: {
      attributes: readonly string[];
      /** Restores them from the item's keys (primary and index keys, as stored). */
      fromKey(key: TableKey & Item): Record<string, unknown>;
      /** Keeps one stored after all for this value (e.g. a form the key does not hold exactly). */
      keepStored?(attribute: string, value: z.output<S>): boolean;
    };
  } = {},
): Entity<S> {
  const parse = (value: unknown): z.output<S> => validate(entityType, schema, value);
  const readSchema = options.readSchema ?? schema;
  const derived = options.derived;
  const storedHere = (attribute: string, entity: z.output<S>) => !derived?.attributes.includes(attribute) || derived.keepStored?.(attribute, entity) === true;
  // One pass, no spread copy and no `delete` (which turns the item into a slow dictionary
  // object): the sync builds thousands of these per job.
  const itemOf = (entity: z.output<S>): Item => {
    const item: Item = {};
    const value = entity as Item;
    for (const k in value) {
      const v = value[k];
      if (v !== undefined && storedHere(k, entity)) item[k] = withoutUndefined(v);
    }
    const keys = layout(entity) as Item;
    for (const k in keys) if (keys[k] !== undefined) item[k] = keys[k];
    item[ENTITY_TYPE] = entityType;
    return item;
  };
  return {
    entityType,
    layout,
    schema,
    unversioned: options.unversioned ?? [],
    derived: derived?.attributes ?? [],
    parse,
    key(value) {
      const { PK: pk, SK: sk } = layout(value);
      return { PK: pk, SK: sk };
    },
    toItem(value) {
      return itemOf(parse(value));
    },
    toItemParsed(value) {
      return itemOf(value);
    },
    fromItem(item) {
      const data: Item = derived && typeof item.PK === "string" && typeof item.SK === "string" ? derived.fromKey(item as TableKey & Item) : {};
      for (const [k, v] of Object.entries(item)) if (!LAYOUT_ATTRIBUTES.has(k)) data[k] = v;
      return validate(entityType, readSchema, data);
    },
  };
}

/** The `unversioned` attributes of an item as it will be written, for `versionCondition`. */
export function unversionedValues(entity: Pick<Entity<z.ZodType>, "unversioned">, item: Item): Record<string, unknown> {
  return Object.fromEntries(entity.unversioned.map((a) => [a, item[a]]));
}

/** Runs a zod schema and turns its issues into a `EntityValidationError` with field paths. */
export function validate<S extends z.ZodType>(entityType: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.map((i) => ({
    field: i.path.length ? i.path.map(String).join(".") : "(root)",
    message: i.message,
  }));
  throw new EntityValidationError(entityType, issues, { cause: result.error });
}

/**
 * DynamoDB rejects `undefined`; optional fields that are absent are simply not written. A list or
 * plain object without any is returned as it is (most are: a transaction's category, merchant and
 * classification), not copied.
 */
function withoutUndefined(value: unknown): unknown {
  if (!holdsUndefined(value)) return value;
  if (Array.isArray(value)) return value.map(withoutUndefined);
  const out: Item = {};
  for (const k in value as Item) {
    const v = (value as Item)[k];
    if (v !== undefined) out[k] = withoutUndefined(v);
  }
  return out;
}

/** An `undefined` anywhere inside a list or plain object (what `withoutUndefined` would drop). */
function holdsUndefined(value: unknown): boolean {
  if (Array.isArray(value)) {
    for (const v of value) if (v === undefined || holdsUndefined(v)) return true;
    return false;
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const k in value as Item) {
      const v = (value as Item)[k];
      if (v === undefined || holdsUndefined(v)) return true;
    }
  }
  return false;
}
