import { beforeAll, describe, expect, it } from "vitest";
import { aTransaction } from "../../fixtures/src/entities";
import { batchWrite, categoryEditEntity, type Db, putNew, type Repositories, transactionEntity } from "../src";
import { freshTable } from "./local-table";

let db: Db;
let repos: Repositories;

beforeAll(async () => {
  ({ db, repos } = await freshTable());
});

const edit = (transactionId: string, merchantKey: string, editedAt: string, secondary: string) => ({
  userId: "user-e",
  transactionId,
  merchant: merchantKey,
  merchantKey,
  primary: secondary.split("/")[0]!,
  secondary,
  editedAt,
  expiresAt: 1_900_000_000,
});

describe("category edits", () => {
  it("returns one merchant's latest edits, newest first, and no other merchant's", async () => {
    // Prepare
    for (let day = 1; day <= 7; day++) {
      await putNew(db, categoryEditEntity, edit(`t${day}`, "joes cafe", `2026-11-0${day}T12:00:00+01:00`, "food_and_drink/coffee_shops"));
    }
    await putNew(db, categoryEditEntity, edit("other", "joes garage", "2026-11-08T12:00:00Z", "transport/car_maintenance"));
    // Act
    const latest = await repos.categoryEdits.latestForMerchant("user-e", "joes cafe", 5);
    // Assess
    expect(latest.map((e) => e.transactionId)).toEqual(["t7", "t6", "t5", "t4", "t3"]);
    expect(await repos.categoryEdits.latestForMerchant("user-e", "nobody", 5)).toEqual([]);
  });
});

describe("transactions of a user", () => {
  it("lists every transaction of one user page by page, and no other user's", async () => {
    // Prepare
    const mine = Array.from({ length: 7 }, (_, i) => aTransaction({ userId: "user-all", transactionId: `txn_${i}` }));
    const theirs = aTransaction({ userId: "user-other", transactionId: "txn_x" });
    await batchWrite(
      db.doc,
      db.tableName,
      [...mine, theirs].map((t) => ({ PutRequest: { Item: transactionEntity.toItem(t) } })),
    );
    // Act
    const first = await repos.transactions.listByUser("user-all", { limit: 4 });
    const second = await repos.transactions.listByUser("user-all", { limit: 4, cursor: first.cursor });
    // Assess
    expect([...first.items, ...second.items].map((t) => t.transactionId).sort()).toEqual(mine.map((t) => t.transactionId).sort());
    expect(second.cursor).toBeUndefined();
  });
});
