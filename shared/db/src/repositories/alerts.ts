import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed, rethrowAws } from "../aws-errors";
import { type BudgetAlert, budgetAlertEntity } from "../entities/budget-alert";
import { ConditionalCheckFailedError } from "../errors";
import { getEntity, putNew } from "../items";
import { isoUtc, keys, SK_PREFIX } from "../keys";
import type { Db, Page, PageOptions } from "../table";
import { listUserItems } from "./user-items";

type BudgetAlertInput = Parameters<typeof budgetAlertEntity.toItem>[0];

/** Budget threshold alerts: at most one per (budget, period, threshold), enforced by the key. */
export function budgetAlertRepository(db: Db) {
  return {
    get: (userId: string, alertId: string): Promise<BudgetAlert | undefined> => getEntity(db, budgetAlertEntity, keys.budgetAlert(userId, alertId)),
    /**
     * Records the alert unless it exists; `true` when this call recorded it (and so should
     * announce it), `false` for a replay.
     *
     * @example if (await alerts.recordOnce({ ...alert, alertId: budgetAlertId(budgetId, periodStart, 80) })) emit(...)
     */
    async recordOnce(alert: BudgetAlertInput): Promise<boolean> {
      try {
        await putNew(db, budgetAlertEntity, alert);
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedError) return false;
        throw err;
      }
    },
    /**
     * Records what alert-dispatch did with it: `dispatched` (and `lastTriggered`, `triggerCount + 1`)
     * or `suppressed`. `false` when no such alert is stored.
     */
    async markOutcome(userId: string, alertId: string, outcome: "dispatched" | "suppressed", at: string): Promise<boolean> {
      const dispatched = outcome === "dispatched";
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: keys.budgetAlert(userId, alertId),
            UpdateExpression: dispatched ? "SET #status = :status, lastTriggered = :at ADD triggerCount :one" : "SET #status = :status",
            ConditionExpression: "attribute_exists(PK)",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":status": outcome, ...(dispatched ? { ":at": isoUtc(at), ":one": 1 } : {}) },
          }),
        );
        return true;
      } catch (err) {
        if (isConditionalCheckFailed(err)) return false;
        rethrowAws(err, "UpdateItem");
      }
    },
    listByUser: (userId: string, options: PageOptions = {}): Promise<Page<BudgetAlert>> =>
      listUserItems(db, budgetAlertEntity, userId, SK_PREFIX.budgetAlert, options),
  };
}

export type BudgetAlertRepository = ReturnType<typeof budgetAlertRepository>;
