import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { INDEXES } from "@expenzez/infra";
import { rethrowAws } from "../aws-errors";
import { type UserBudget, type UserBudgetInput, userBudgetEntity } from "../entities/user-budget";
import { EntityValidationError } from "../errors";
import { getEntity, type KeyQuery, putNew, updateVersioned } from "../items";
import { BUDGET_ROLLOVER_SHARDS, budgetRolloverPk, isoUtc, keys, SK_PREFIX, type TableKey, userPk } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listAllUserItems, listUserItems } from "./user-items";

/** A stored budget that does not pass its schema: reported by key so the others still run. */
export interface InvalidBudgetItem {
  key: TableKey;
  error: EntityValidationError;
}

/** Budgets read item by item: the valid ones, and the keys of those that failed their schema. */
export interface CheckedBudgets {
  budgets: UserBudget[];
  invalid: InvalidBudgetItem[];
  requests: number;
}

function check(items: Record<string, unknown>[], into: CheckedBudgets): void {
  for (const item of items) {
    try {
      into.budgets.push(userBudgetEntity.fromItem(item));
    } catch (err) {
      if (!(err instanceof EntityValidationError)) throw err;
      into.invalid.push({ key: { PK: String(item.PK), SK: String(item.SK) }, error: err });
    }
  }
}

/** A user's budgets. */
export function budgetRepository(db: Db) {
  async function queryChecked(query: KeyQuery, limit?: number, pageSize?: number): Promise<CheckedBudgets> {
    const out: CheckedBudgets = { budgets: [], invalid: [], requests: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await db.doc.send(
          new QueryCommand({ ...query, TableName: db.tableName, ExclusiveStartKey: startKey, ...(pageSize ? { Limit: pageSize } : {}) }),
        );
      } catch (err) {
        rethrowAws(err, "Query");
      }
      out.requests++;
      check(page.Items ?? [], out);
      startKey = page.LastEvaluatedKey;
    } while (startKey && (limit === undefined || out.budgets.length + out.invalid.length < limit));
    return out;
  }

  return {
    get: (userId: string, budgetId: string, options: { consistent?: boolean } = {}): Promise<UserBudget | undefined> =>
      getEntity(db, userBudgetEntity, keys.budget(userId, budgetId), options),
    putNew: (budget: UserBudgetInput) => putNew(db, userBudgetEntity, budget),
    updateVersioned: (budget: UserBudgetInput, expectedVersion: number) => updateVersioned(db, userBudgetEntity, budget, expectedVersion),
    listByUser: (userId: string, options: PageOptions = {}): Promise<Page<UserBudget>> =>
      listUserItems(db, userBudgetEntity, userId, SK_PREFIX.budget, options),
    listAllByUser: (userId: string): Promise<UserBudget[]> => listAllUserItems(db, userBudgetEntity, userId, SK_PREFIX.budget),

    /**
     * Every budget of a user (one Query), each validated on its own. Eventually consistent by
     * default, at half the read units: a writer's version condition catches a stale copy.
     */
    listAllByUserChecked: (userId: string, options: { consistent?: boolean } = {}): Promise<CheckedBudgets> =>
      queryChecked({
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
        ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": SK_PREFIX.budget },
        ConsistentRead: options.consistent ?? false,
      }),

    /**
     * Budgets of one roll-over shard whose open period ended at or before `now` (GSI4, sparse;
     * eventually consistent, so the caller's versioned write catches a stale copy).
     */
    listEndedPeriods: (shard: number, now: string, options: { limit?: number; pageSize?: number } = {}): Promise<CheckedBudgets> =>
      queryChecked(
        {
          IndexName: INDEXES.syncDue.name,
          KeyConditionExpression: "#pk = :pk AND #sk <= :now",
          ExpressionAttributeNames: { "#pk": INDEXES.syncDue.partitionKey, "#sk": INDEXES.syncDue.sortKey },
          ExpressionAttributeValues: { ":pk": budgetRolloverPk(shard), ":now": isoUtc(now) },
        },
        options.limit,
        options.pageSize,
      ),
    rolloverShards: BUDGET_ROLLOVER_SHARDS,
  };
}

export type BudgetRepository = ReturnType<typeof budgetRepository>;
