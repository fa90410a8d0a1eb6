import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { INDEXES } from "@expenzez/infra";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { batchGet } from "../batch";
import { type AIAnalysisCache, aiAnalysisCacheEntity } from "../entities/ai-analysis-cache";
import { type RecurringHistory, recurringHistoryEntity } from "../entities/recurring-history";
import { type RecurringStream, recurringStreamEntity } from "../entities/recurring-stream";
import type { Transaction } from "../entities/transaction";
import { getEntity, type InvalidItem, putNew, queryPageChecked, updateVersioned } from "../items";
import { keys, RECURRING_DUE_SHARDS, recurringDuePk, recurringMerchantPrefix, SK_PREFIX } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listAllUserItems, listAllUserItemsChecked } from "./user-items";

type RecurringInput = Parameters<typeof recurringStreamEntity.toItem>[0];

/** A user's recurring payment streams, the detector's per-merchant histories and its upcoming-bills cache. */
export function recurringRepository(db: Db) {
  return {
    get: (userId: string, streamId: string): Promise<RecurringStream | undefined> => getEntity(db, recurringStreamEntity, keys.recurring(userId, streamId)),
    putNew: (stream: RecurringInput) => putNew(db, recurringStreamEntity, stream),
    updateVersioned: (stream: RecurringInput, expectedVersion: number) => updateVersioned(db, recurringStreamEntity, stream, expectedVersion),
    listAllByUser: (userId: string): Promise<RecurringStream[]> => listAllUserItems(db, recurringStreamEntity, userId, SK_PREFIX.recurring),
    /** Every stream of a user, each validated on its own: those that fail their schema are in `invalid`, by key. */
    async listAllByUserChecked(userId: string): Promise<{ streams: RecurringStream[]; invalid: InvalidItem[] }> {
      const { items, invalid } = await listAllUserItemsChecked(db, recurringStreamEntity, userId, SK_PREFIX.recurring);
      return { streams: items, invalid };
    },
    /** One merchant's streams: their ids start with the merchant's id. */
    listByMerchant: (userId: string, merchantId: string): Promise<RecurringStream[]> =>
      listAllUserItems(db, recurringStreamEntity, userId, recurringMerchantPrefix(merchantId)),
    /**
     * Streams of one due shard whose last on-time day is before `day` (`YYYY-MM-DD`): payments
     * overdue. A stream that fails its schema is in `invalid` (by key), not a failed page.
     */
    listOverdue: (shard: number, day: string, options: PageOptions = {}): Promise<Page<RecurringStream> & { invalid: InvalidItem[] }> =>
      queryPageChecked(
        db,
        recurringStreamEntity,
        `gsi4r:${shard}`,
        {
          IndexName: INDEXES.syncDue.name,
          KeyConditionExpression: "#pk = :shard AND #sk < :day",
          ExpressionAttributeNames: { "#pk": INDEXES.syncDue.partitionKey, "#sk": INDEXES.syncDue.sortKey },
          ExpressionAttributeValues: { ":shard": recurringDuePk(shard), ":day": day },
        },
        options,
      ),
    dueShards: RECURRING_DUE_SHARDS,
    getHistory: (userId: string, merchantId: string): Promise<RecurringHistory | undefined> =>
      getEntity(db, recurringHistoryEntity, keys.recurringHistory(userId, merchantId)),
    /** Many merchants' histories in BatchGetItem calls of 100 (consistent reads), by merchant id; absent ones are not in the map. */
    async getHistories(userId: string, merchantIds: readonly string[]): Promise<Map<string, RecurringHistory>> {
      const { items } = await batchGet(
        db.doc,
        db.tableName,
        merchantIds.map((id) => keys.recurringHistory(userId, id)),
        { consistent: true },
      );
      const histories = items.map((i) => recurringHistoryEntity.fromItem(i));
      return new Map(histories.map((h) => [h.merchantId, h]));
    },
    getPredictions: (userId: string): Promise<AIAnalysisCache | undefined> => getEntity(db, aiAnalysisCacheEntity, keys.aiAnalysis(userId, "predictions")),
    /**
     * Sets a transaction's `aiInsights` and bumps its version without knowing it: a sync that
     * read the transaction before then fails its version check and re-reads, keeping these.
     * `false` when the transaction is gone.
     */
    async setInsights(userId: string, transactionId: string, aiInsights: NonNullable<Transaction["aiInsights"]>): Promise<boolean> {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.transaction(userId, transactionId),
            UpdateExpression: "SET aiInsights = :a, #version = #version + :one",
            ConditionExpression: "attribute_exists(PK)",
            ExpressionAttributeNames: { "#version": "version" },
            ExpressionAttributeValues: { ":a": aiInsights, ":one": 1 },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        rethrowAws(err, "UpdateItem");
      }
    },
  };
}

export type RecurringRepository = ReturnType<typeof recurringRepository>;
