import { bankAccountEntity, batchWrite, getEntity, keys, type TransactionInput, transactionEntity } from "@expenzez/db";
import { parseDeliveredEvent } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { receiveAll } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { forgetClosedAccount, type OpsContext, runCli } from "../src/index";
import { captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;
const USER = "u-forget";
const AT = "2026-11-01T00:00:00Z";

function txn(accountId: string, i: number): TransactionInput {
  return {
    userId: USER,
    transactionId: `${accountId}-t${i}`,
    accountId,
    connectionId: "c-1",
    timestamp: new Date(Date.parse("2026-10-01T10:00:00Z") + i * 3_600_000).toISOString(),
    description: i % 2 ? "TESCO STORES" : "NETFLIX.COM",
    amount: -12.5,
    amountMinor: -1250,
    currency: "GBP",
    direction: "debit",
    status: "booked",
    category: { primary: i % 2 ? "groceries" : "entertainment", confidence: 0.9, reason: "merchant" },
    merchant: { name: i % 2 ? "Tesco" : "Netflix" },
    createdAt: AT,
    updatedAt: AT,
  };
}

const CLOSED_COUNT = 120;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
  const repos = sealingRepos(stack, ctx);
  const account = (accountId: string, closed: boolean, total: number) =>
    repos.accounts.putNew({
      userId: USER,
      accountId,
      connectionId: "c-1",
      type: "TRANSACTION",
      displayName: accountId,
      currency: "GBP",
      accountNumber: "31926819",
      sortCode: "60-16-13",
      transactionSummary: { totalTransactions: total, pendingTransactions: 0, oldestPendingAt: null },
      closed,
      createdAt: AT,
      updatedAt: AT,
    });
  await account("acc-closed", true, CLOSED_COUNT);
  await account("acc-open", false, 1);
  const items = [...Array.from({ length: CLOSED_COUNT }, (_, i) => txn("acc-closed", i)), txn("acc-open", 0)];
  await batchWrite(
    ctx.db.doc,
    ctx.db.tableName,
    items.map((t) => ({ PutRequest: { Item: transactionEntity.toItem(t) } })),
  );
});

async function visible(): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.repos.transactions.listByUser(USER, { cursor });
    ids.push(...page.items.map((t) => t.accountId));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

describe("account forget", () => {
  it("refuses an open account (the next sync would bring its transactions back)", async () => {
    const run = captureIo(ctx);
    expect(await runCli(["account", "forget", "--user", USER, "--account", "acc-open", "--yes"], run.io)).toBe(1);
    expect(run.err.join("")).toContain("ops.account.open");
    expect(await runCli(["account", "forget", "--user", USER, "--account", "acc-closed"], captureIo(ctx).io)).toBe(2);
  });

  it("soft-deletes a closed account's transactions, keeps its counters exact and announces them so budgets and streams recompute", async () => {
    await receiveAll(stack.aws.sqs, stack.handles.queues.budgetRecalc.url, { remove: true });
    expect(await forgetClosedAccount(ctx, { userId: USER, accountId: "acc-closed" }, { dryRun: true })).toMatchObject({
      transactions: CLOSED_COUNT,
      events: 0,
    });

    const r = await forgetClosedAccount(ctx, { userId: USER, accountId: "acc-closed" });

    expect(r).toMatchObject({ transactions: CLOSED_COUNT, events: 2 });
    expect(await visible()).toEqual(["acc-open"]);
    const kept = await ctx.repos.transactions.get(USER, "acc-closed-t0", { includeDeleted: true });
    expect(kept).toMatchObject({ deletedReason: "account_closed", amountMinor: -1250 });
    const account = await getEntity(ctx.db, bankAccountEntity, keys.account(USER, "acc-closed"));
    expect(account?.transactionSummary).toMatchObject({ totalTransactions: 0, pendingTransactions: 0 });
    const synced = (await receiveAll(stack.aws.sqs, stack.handles.queues.budgetRecalc.url, { remove: true }))
      .map((m) => parseDeliveredEvent(m.Body as string))
      .filter((e) => e.detailType === "TransactionsSynced");
    expect(synced.map((e) => (e.detail as { counts: { removed: number } }).counts.removed).sort((a, b) => a - b)).toEqual([CLOSED_COUNT - 98, 98]);
    expect(synced.map((e) => (e.detail as { categories: string[] }).categories)).toContainEqual(["entertainment", "groceries"]);
    // Forgetting again finds nothing left to hide.
    expect(await forgetClosedAccount(ctx, { userId: USER, accountId: "acc-closed" })).toMatchObject({ transactions: 0, events: 0 });
  });
});
