import { type CategoryEdit, categoryEditEntity } from "../entities/category-edit";
import { queryPage } from "../items";
import { categoryEditPrefix, userPk } from "../keys";
import type { Db } from "../table";

/** The user's re-categorisations, per merchant, newest first. */
export function categoryEditRepository(db: Db) {
  return {
    /** The latest `limit` edits of one merchant (one Query, newest first). */
    async latestForMerchant(userId: string, merchantKey: string, limit: number): Promise<CategoryEdit[]> {
      const page = await queryPage(
        db,
        categoryEditEntity,
        `edits:${userId}:${merchantKey}`,
        {
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": categoryEditPrefix(merchantKey) },
          ScanIndexForward: false,
        },
        { limit },
      );
      return page.items;
    },
  };
}

export type CategoryEditRepository = ReturnType<typeof categoryEditRepository>;
