import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalStack } from "@expenzez/infra";
import { beforeAll, describe, expect, it } from "vitest";
import { aBudget } from "../../fixtures/src/entities";
import {
  budgetRepository,
  ConditionalCheckFailedError,
  type Db,
  deleteItem,
  EntityValidationError,
  getEntity,
  keys,
  putNew,
  updateVersioned,
  userBudgetEntity,
  VersionConflictError,
} from "../src";
import { freshTable } from "./local-table";

let stack: LocalStack;
let db: Db;

beforeAll(async () => {
  ({ stack, db } = await freshTable());
});

async function rawItem(key: { PK: string; SK: string }) {
  return (await stack.aws.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }))).Item;
}

describe("putNew / updateVersioned on moto", () => {
  it("writes a new item once; a second putNew fails with ConditionalCheckFailedError", async () => {
    // Prepare
    const budget = aBudget({ budgetId: "b-new" });
    // Act
    const saved = await putNew(db, userBudgetEntity, budget);
    const again = await putNew(db, userBudgetEntity, { ...budget, limitMinor: 1 }).catch((e: unknown) => e);
    // Assess
    expect(saved.version).toBe(1);
    expect(again).toBeInstanceOf(ConditionalCheckFailedError);
    expect(again).toMatchObject({ code: "db.conditional_check_failed", key: keys.budget("user-1", "b-new") });
    expect((await getEntity(db, userBudgetEntity, keys.budget("user-1", "b-new")))?.limitMinor).toBe(30000);
  });

  it("bumps the version on a matching update and refuses a stale one", async () => {
    // Prepare
    const budgets = budgetRepository(db);
    const v1 = await budgets.putNew(aBudget({ budgetId: "b-lock" }));
    // Act
    const v2 = await budgets.updateVersioned({ ...v1, spentMinor: 1250 }, v1.version);
    const stale = await budgets.updateVersioned({ ...v1, spentMinor: 9999 }, v1.version).catch((e: unknown) => e);
    // Assess
    expect(v2.version).toBe(2);
    expect(stale).toBeInstanceOf(VersionConflictError);
    expect(stale).toMatchObject({ code: "db.version_conflict", expectedVersion: 1, actualVersion: 2 });
    const stored = await budgets.get("user-1", "b-lock");
    expect(stored).toMatchObject({ version: 2, spentMinor: 1250 });
  });

  it("refuses an update of an item that does not exist", async () => {
    const err = await updateVersioned(db, userBudgetEntity, aBudget({ budgetId: "b-missing" }), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VersionConflictError);
    expect(await rawItem(keys.budget("user-1", "b-missing"))).toBeUndefined();
  });

  it("writes nothing when the item fails its schema, and names the field", async () => {
    const err = await putNew(db, userBudgetEntity, aBudget({ budgetId: "b-bad", limitMinor: 12.5 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityValidationError);
    expect((err as EntityValidationError).field).toBe("limitMinor");
    expect(await rawItem(keys.budget("user-1", "b-bad"))).toBeUndefined();
  });

  it("stores keys and entityType on the item, and deletes only at the expected version", async () => {
    await putNew(db, userBudgetEntity, aBudget({ budgetId: "b-del" }));
    expect(await rawItem(keys.budget("user-1", "b-del"))).toMatchObject({ PK: "USER#user-1", SK: "BUDGET#b-del", entityType: "UserBudget" });
    await expect(deleteItem(db, keys.budget("user-1", "b-del"), 5)).rejects.toBeInstanceOf(VersionConflictError);
    await deleteItem(db, keys.budget("user-1", "b-del"), 1);
    expect(await rawItem(keys.budget("user-1", "b-del"))).toBeUndefined();
  });
});
