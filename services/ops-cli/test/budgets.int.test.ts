import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { transactionEntity } from "@expenzez/db";
import { beforeAll, describe, expect, it } from "vitest";
import { type OpsContext, recalcBudgets, runCli } from "../src/index";
import { captureIo, freshStack } from "./helpers";

let ctx: OpsContext;
const NOW = new Date("2024-03-20T10:00:00Z");

beforeAll(async () => {
  ({ ctx } = await freshStack());
});

async function spend(userId: string, transactionId: string, pence: number) {
  const item = transactionEntity.toItem({
    userId,
    transactionId,
    accountId: "acc-1",
    connectionId: "conn-1",
    timestamp: "2024-03-10T12:00:00.000Z",
    description: "TESCO STORES",
    amount: pence / 100,
    amountMinor: pence,
    currency: "GBP",
    direction: "debit",
    status: "booked",
    category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.9, reason: "merchant" },
    createdAt: "2024-03-10T12:00:00.000Z",
    updatedAt: "2024-03-10T12:00:00.000Z",
  });
  await ctx.db.doc.send(new PutCommand({ TableName: ctx.db.tableName, Item: item }));
}

describe("budgets recalc", () => {
  it("recomputes a user's open period from the transactions, in pence", async () => {
    await ctx.repos.budgets.putNew({
      userId: "u-b",
      budgetId: "groceries",
      category: "groceries",
      period: "monthly",
      currency: "GBP",
      limitMinor: 30_000,
      currentPeriod: { start: "2024-03-01T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" },
      createdAt: "2024-03-01T00:00:00.000Z",
      updatedAt: "2024-03-01T00:00:00.000Z",
    });
    await spend("u-b", "txn_1", -1_234);
    await spend("u-b", "txn_2", -10_001);

    const summary = await recalcBudgets(ctx, { userId: "u-b" }, NOW);

    expect(summary).toMatchObject({ budgets: 1, budgetsWritten: 1, invalidBudgets: 0 });
    expect((await ctx.repos.budgets.get("u-b", "groceries"))?.spentMinor).toBe(11_235);
  });

  it("needs --user: exit 2 with the option named", async () => {
    const run = captureIo(ctx);
    expect(await runCli(["budgets", "recalc"], run.io)).toBe(2);
    expect(run.err.join("")).toContain("--user");
  });
});
