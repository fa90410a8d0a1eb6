import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { type CategoryRule, type CategoryRuleInput, categoryRuleEntity } from "../entities/category-rule";
import { deleteItem, getEntity, type InvalidItem, putNew, updateVersioned } from "../items";
import { keys, SK_PREFIX, userPk } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listAllUserItems, listAllUserItemsChecked, listUserItems } from "./user-items";

/**
 * Sets `hasRules` on every connection of the user that does not say so yet (absent or false),
 * bumping its version: a sync in flight that decided on the old flag then fails its finish and
 * runs again, reading the rules. Called after a rule is stored, so a connection stored before the
 * listing is marked, and one stored after it finds the rule itself (`connections.create`).
 */
export async function markUserHasRules(db: Db, userId: string): Promise<number> {
  let marked = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc
      .send(
        new QueryCommand({
          TableName: db.tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": SK_PREFIX.connection },
          ProjectionExpression: "SK, hasRules",
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      )
      .catch((err: unknown) => rethrowAws(err, "Query"));
    for (const item of page.Items ?? []) {
      if (item.hasRules === true) continue;
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: { PK: userPk(userId), SK: item.SK },
            UpdateExpression: "SET hasRules = :yes ADD version :one",
            ConditionExpression: "attribute_exists(PK) AND (attribute_not_exists(hasRules) OR hasRules = :no)",
            ExpressionAttributeValues: { ":yes": true, ":no": false, ":one": 1 },
          }),
        );
        marked++;
      } catch (err) {
        // Marked meanwhile by another rule's writer, or the connection is gone: nothing to do.
        if (!isConditionalCheckFailed(err)) rethrowAws(err, "UpdateItem");
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return marked;
}

/** A user's category rules (learned from re-categorisations, or set by hand). */
export function ruleRepository(db: Db) {
  return {
    get: (userId: string, ruleId: string): Promise<CategoryRule | undefined> => getEntity(db, categoryRuleEntity, keys.rule(userId, ruleId)),
    /** Stores a new rule, then marks the user's connections `hasRules` so their syncs read it. */
    async putNew(rule: CategoryRuleInput): Promise<CategoryRule> {
      const stored = await putNew(db, categoryRuleEntity, rule);
      await markUserHasRules(db, stored.userId);
      return stored;
    },
    updateVersioned: (rule: CategoryRuleInput, expectedVersion: number) => updateVersioned(db, categoryRuleEntity, rule, expectedVersion),
    /** Deletes a rule; `hasRules` stays set until a sync reads the rules and finds none. */
    delete: (userId: string, ruleId: string, expectedVersion?: number) => deleteItem(db, keys.rule(userId, ruleId), expectedVersion),
    listByUser: (userId: string, options: PageOptions = {}): Promise<Page<CategoryRule>> =>
      listUserItems(db, categoryRuleEntity, userId, SK_PREFIX.rule, options),
    /** All of a user's rules, for the categoriser (a user has tens, not thousands). */
    listAllByUser: (userId: string): Promise<CategoryRule[]> => listAllUserItems(db, categoryRuleEntity, userId, SK_PREFIX.rule),
    /**
     * All of a user's rules, each validated on its own: one this release's schema refuses (a
     * category since renamed, a field a newer app writes) is in `invalid` by key, so a pass that
     * can go on without it (a sync's categorisation) is not failed by it.
     */
    async listUsableByUser(userId: string): Promise<{ rules: CategoryRule[]; invalid: InvalidItem[] }> {
      const { items, invalid } = await listAllUserItemsChecked(db, categoryRuleEntity, userId, SK_PREFIX.rule);
      return { rules: items, invalid };
    },
    /** Whether the user has at least one rule (one consistent read of at most one item). */
    async any(userId: string): Promise<boolean> {
      const out = await db.doc
        .send(
          new QueryCommand({
            TableName: db.tableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
            ExpressionAttributeValues: { ":pk": userPk(userId), ":prefix": SK_PREFIX.rule },
            ProjectionExpression: "SK",
            ConsistentRead: true,
            Limit: 1,
          }),
        )
        .catch((err: unknown) => rethrowAws(err, "Query"));
      return (out.Items?.length ?? 0) > 0;
    },
  };
}

export type RuleRepository = ReturnType<typeof ruleRepository>;
