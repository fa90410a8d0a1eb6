import { QueryCommand, type QueryCommandOutput } from "@aws-sdk/lib-dynamodb";
import { sumMinor } from "@expenzez/money";
import { INDEXES } from "@expenzez/resources";
import { rethrowAws } from "../aws-errors";
import { batchGet } from "../batch";
import { BUDGET_LINE_ATTRIBUTES, type Transaction, type TransactionInput, transactionEntity, transactionKeyAttributes } from "../entities/transaction";
import { getEntity, type KeyQuery, putNew, queryAll, queryPage, updateVersioned } from "../items";
import { categoryPrefix, isoUtc, keys, SK_PREFIX, userPk } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import type { TransactAction } from "../transact";
import { txUpdateVersioned } from "../transact-actions";

/** Inclusive time range of ISO timestamps. */
export interface TimeRange {
  from: string;
  to: string;
}

/** Reads that may return soft-deleted transactions (`deletedAt`): only the sync and the recurring detector need them. */
export interface DeletedOption {
  includeDeleted?: boolean;
}

/** Why a transaction was soft-deleted. */
export type DeletedReason = NonNullable<Transaction["deletedReason"]>;

const DELETED = "deletedAt";

/**
 * Adds the filter that hides soft-deleted transactions to a query. A page may then hold fewer
 * items than its limit (DynamoDB filters after the limit): callers page to the end anyway.
 */
function visibleOnly<Q extends { ExpressionAttributeNames?: Record<string, string>; FilterExpression?: string }>(query: Q, options: DeletedOption = {}): Q {
  if (options.includeDeleted) return query;
  return {
    ...query,
    FilterExpression: query.FilterExpression ? `(${query.FilterExpression}) AND attribute_not_exists(#deleted)` : "attribute_not_exists(#deleted)",
    ExpressionAttributeNames: { ...query.ExpressionAttributeNames, "#deleted": DELETED },
  };
}

const visible = (t: Transaction | undefined, options: DeletedOption = {}) => (t && (options.includeDeleted || !t.deletedAt) ? t : undefined);

/**
 * The write that soft-deletes a stored transaction (conditional on its version): `deletedAt` and
 * the reason are set, the item is kept. Its index entries stay; the repository's reads filter it.
 *
 * @example await transactWrite(db.doc, [softDeleteAction(db, t, "vanished", now), ...])
 */
export function softDeleteAction(db: Db, t: Pick<Transaction, "userId" | "transactionId" | "version">, reason: DeletedReason, now: Date): TransactAction {
  const at = now.toISOString();
  return txUpdateVersioned(db, keys.transaction(t.userId, t.transactionId), { set: { deletedAt: at, deletedReason: reason, updatedAt: at } }, t.version);
}

/** Half-open budget period `[start, end)`. */
export interface Period {
  start: string;
  end: string;
}

// Above any character of a transaction id, so `<to>#<id>` sorts below it: the upper bound is inclusive.
const HIGH = "\uffff";

/**
 * Exact spend of debits in minor units (positive), e.g. what a budget has used.
 *
 * @example sumDebitsMinor([{ direction: "debit", amountMinor: -1250 }, { direction: "credit", amountMinor: 500 }]) // 1250
 */
export function sumDebitsMinor(transactions: readonly Pick<Transaction, "direction" | "amountMinor">[]): number {
  return sumMinor(transactions.filter((t) => t.direction === "debit").map((t) => Math.abs(t.amountMinor)));
}

/** What one budget-period Query read: raw projected items (the caller validates each) and its cost. */
export interface BudgetLinesRead {
  items: Record<string, unknown>[];
  /** Query requests made (pages). */
  requests: number;
  /** Read capacity units DynamoDB reported (0 where the endpoint reports none). */
  readUnits: number;
}

/** The last millisecond inside a half-open period, so GSI `between` (inclusive) matches `[start, end)`. */
function inclusiveEnd(end: string): string {
  return new Date(Date.parse(isoUtc(end)) - 1).toISOString();
}

/**
 * Transactions: by id, by date range (GSI2), by category and period (GSI3). Every read hides
 * soft-deleted ones (`deletedAt`) unless asked with `includeDeleted`.
 */
export function transactionRepository(db: Db) {
  function byCategoryQuery(userId: string, primary: string, range: TimeRange) {
    return {
      IndexName: INDEXES.byCategory.name,
      KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :from AND :to",
      ExpressionAttributeNames: { "#pk": INDEXES.byCategory.partitionKey, "#sk": INDEXES.byCategory.sortKey },
      ExpressionAttributeValues: {
        ":pk": userPk(userId),
        ":from": `${categoryPrefix(primary)}${isoUtc(range.from)}`,
        ":to": `${categoryPrefix(primary)}${isoUtc(range.to)}`,
      },
    };
  }

  return {
    get: async (userId: string, transactionId: string, options: DeletedOption = {}): Promise<Transaction | undefined> =>
      visible(await getEntity(db, transactionEntity, keys.transaction(userId, transactionId)), options),
    putNew: (transaction: TransactionInput) => putNew(db, transactionEntity, transaction),
    updateVersioned: (transaction: TransactionInput, expectedVersion: number) => updateVersioned(db, transactionEntity, transaction, expectedVersion),

    /** One page of all of a user's transactions, in transaction-id order (for whole-history passes). */
    listByUser: (userId: string, options: PageOptions & DeletedOption = {}): Promise<Page<Transaction>> =>
      queryPage(
        db,
        transactionEntity,
        `user:${userId}:${SK_PREFIX.transaction}`,
        visibleOnly<KeyQuery>(
          {
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": SK_PREFIX.transaction },
          },
          options,
        ),
        options,
      ),

    /** Many by id (batches of 100); ids not found (or soft-deleted, unless `includeDeleted`) are simply absent. */
    async getMany(userId: string, transactionIds: readonly string[], options: DeletedOption = {}): Promise<Transaction[]> {
      const { items } = await batchGet(
        db.doc,
        db.tableName,
        transactionIds.map((id) => keys.transaction(userId, id)),
        { consistent: true },
      );
      return items.map((i) => transactionEntity.fromItem(i)).filter((t) => visible(t, options));
    },

    /** A user's transactions with `from <= timestamp <= to` (GSI2), newest first unless `order: "asc"`. */
    listByDateRange(userId: string, range: TimeRange, options: PageOptions & DeletedOption & { order?: "asc" | "desc" } = {}): Promise<Page<Transaction>> {
      const order = options.order ?? "desc";
      return queryPage(
        db,
        transactionEntity,
        `gsi2:${userId}:${range.from}:${range.to}:${order}`,
        visibleOnly(
          {
            IndexName: INDEXES.byTime.name,
            KeyConditionExpression: "#pk = :pk AND #sk BETWEEN :from AND :to",
            ExpressionAttributeNames: { "#pk": INDEXES.byTime.partitionKey, "#sk": INDEXES.byTime.sortKey },
            ExpressionAttributeValues: { ":pk": userPk(userId), ":from": isoUtc(range.from), ":to": `${isoUtc(range.to)}#${HIGH}` },
            ScanIndexForward: order === "asc",
          },
          options,
        ),
        options,
      );
    },

    /** A user's transactions of one primary category with `from <= timestamp <= to` (GSI3), oldest first. */
    listByCategory(userId: string, primary: string, range: TimeRange, options: PageOptions = {}): Promise<Page<Transaction>> {
      return queryPage(
        db,
        transactionEntity,
        `gsi3:${userId}:${primary}:${range.from}:${range.to}`,
        visibleOnly(byCategoryQuery(userId, primary, range)),
        options,
      );
    },

    /**
     * One category over one half-open period `[start, end)`, projected to the attributes a budget
     * sums: one Query, paged to the end. Items are returned raw so that one bad item can be
     * reported by its key without losing the others.
     */
    async budgetLines(userId: string, primary: string, period: Period, options: { pageSize?: number } = {}): Promise<BudgetLinesRead> {
      const query = visibleOnly(byCategoryQuery(userId, primary, { from: period.start, to: inclusiveEnd(period.end) }));
      const names: Record<string, string> = { ...query.ExpressionAttributeNames };
      const projection = BUDGET_LINE_ATTRIBUTES.map((a, i) => {
        names[`#p${i}`] = a;
        return `#p${i}`;
      }).join(", ");
      const read: BudgetLinesRead = { items: [], requests: 0, readUnits: 0 };
      let startKey: Record<string, unknown> | undefined;
      do {
        let out: QueryCommandOutput;
        try {
          out = await db.doc.send(
            new QueryCommand({
              ...query,
              ExpressionAttributeNames: names,
              ProjectionExpression: projection,
              TableName: db.tableName,
              ExclusiveStartKey: startKey,
              ReturnConsumedCapacity: "TOTAL",
              ...(options.pageSize ? { Limit: options.pageSize } : {}),
            }),
          );
        } catch (err) {
          rethrowAws(err, "Query");
        }
        read.requests++;
        read.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
        // The keys hold transactionId and timestamp: give them back as attributes, as budget lines have them.
        for (const item of out.Items ?? []) {
          const { PK: _pk, SK: _sk, [INDEXES.byTime.sortKey]: _time, ...line } = item;
          read.items.push({ ...transactionKeyAttributes(item), ...line });
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return read;
    },

    /**
     * Everything one budget needs in one Query (paged to the end): the category's transactions in
     * the half-open period and the exact sum of their debits in minor units.
     */
    async spendingByCategory(userId: string, primary: string, period: Period): Promise<{ transactions: Transaction[]; spentMinor: number }> {
      const range = { from: period.start, to: inclusiveEnd(period.end) };
      const transactions = await queryAll(
        db,
        transactionEntity,
        `gsi3:${userId}:${primary}:${range.from}:${range.to}`,
        visibleOnly(byCategoryQuery(userId, primary, range)),
      );
      return { transactions, spentMinor: sumDebitsMinor(transactions) };
    },
  };
}

export type TransactionRepository = ReturnType<typeof transactionRepository>;
