import { PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateQueueCommand, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories, type TransactionInput, transactionEntity, type UserBudgetInput, userBudgetEntity } from "@expenzez/db";
import { buildEvent, type DetailInput, type DomainEvent, parseDeliveredEvent, publishEvents, type ReceivedEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import type { BudgetDeps } from "../src";

export const log = createLogger("test", { level: "silent" });

export interface Env {
  stack: LocalStack;
  db: Db;
  repos: Repositories;
}

/** A fresh emulator for this file: table, queues, bus and rules as provisioned for real. */
export async function setUpEnv(): Promise<Env> {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  const db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  const repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  return { stack, db, repos };
}

export function depsFor(env: Env, now: Date, over: Partial<BudgetDeps> = {}): BudgetDeps {
  return {
    db: env.db,
    repos: env.repos,
    relay: { db: env.db, events: env.stack.aws.events, busName: env.stack.handles.busName, log },
    log,
    now: () => now,
    ...over,
  };
}

export async function drain(env: Env, queue: "budgetRecalc" | "alertDispatch" | "recurring"): Promise<{ body: string; event: ReceivedEvent }[]> {
  return (await receiveAll(env.stack.aws.sqs, env.stack.handles.queues[queue].url, { remove: true })).map((m) => ({
    body: m.Body as string,
    event: parseDeliveredEvent(m.Body as string),
  }));
}

/** Publishes events on the bus, as a producer's relay does; the rules route them to the queues. */
export async function publish(env: Env, events: DomainEvent[]): Promise<void> {
  await publishEvents(env.stack.aws.events, events, { busName: env.stack.handles.busName });
}

/**
 * A queue that receives every expenzez.budgets event, for tests to see what no consumer rule
 * routes (BudgetPeriodClosed). Returns a function that drains it.
 */
export async function budgetEventsTap(env: Env): Promise<() => Promise<ReceivedEvent[]>> {
  const { sqs, events } = env.stack.aws;
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "test-budget-events" }));
  const url = QueueUrl as string;
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  const busName = env.stack.handles.busName;
  await events.send(new PutRuleCommand({ Name: "test-budget-events", EventBusName: busName, EventPattern: JSON.stringify({ source: ["expenzez.budgets"] }) }));
  await events.send(
    new PutTargetsCommand({ Rule: "test-budget-events", EventBusName: busName, Targets: [{ Id: "tap", Arn: Attributes?.QueueArn as string }] }),
  );
  return async () => (await receiveAll(sqs, url, { remove: true })).map((m) => parseDeliveredEvent(m.Body as string));
}

export function synced(input: Partial<DetailInput<"TransactionsSynced">> & { userId: string }): DomainEvent {
  return buildEvent("TransactionsSynced", {
    connectionId: "conn-1",
    syncId: "sync-1",
    accountIds: ["acc-1"],
    counts: { added: 1, modified: 0, removed: 0 },
    categories: ["groceries"],
    merchants: [],
    range: { from: "2024-03-01", to: "2024-03-31" },
    ...input,
  });
}

let n = 0;
/** Stores a transaction; `isHidden` is written raw (the entity of the seed does not carry it yet). */
export async function putTransaction(env: Env, userId: string, pence: number, over: Partial<TransactionInput> & { isHidden?: boolean } = {}): Promise<void> {
  const { isHidden, ...rest } = over;
  n++;
  const item = transactionEntity.toItem({
    userId,
    transactionId: `txn_${n}`,
    accountId: "acc-1",
    connectionId: "conn-1",
    timestamp: "2024-03-10T12:00:00.000Z",
    description: "TESCO STORES",
    amount: pence / 100,
    amountMinor: pence,
    currency: "GBP",
    direction: pence < 0 ? "debit" : "credit",
    status: "booked",
    category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.9, reason: "merchant" },
    createdAt: "2024-03-10T12:00:00.000Z",
    updatedAt: "2024-03-10T12:00:00.000Z",
    ...rest,
  });
  await env.db.doc.send(new PutCommand({ TableName: env.db.tableName, Item: { ...item, ...(isHidden === undefined ? {} : { isHidden }) } }));
}

export function aBudget(over: Partial<UserBudgetInput> & { userId: string }): UserBudgetInput {
  return {
    budgetId: "groceries",
    category: "groceries",
    period: "monthly",
    currency: "GBP",
    limitMinor: 30_000,
    currentPeriod: { start: "2024-03-01T00:00:00.000Z", end: "2024-03-31T23:00:00.000Z" },
    createdAt: "2024-03-01T00:00:00.000Z",
    updatedAt: "2024-03-01T00:00:00.000Z",
    ...over,
  };
}

/** Writes a budget item as it is, bypassing the schema (to store a bad one). */
export async function putRawBudget(env: Env, item: Record<string, unknown>): Promise<void> {
  await env.db.doc.send(new PutCommand({ TableName: env.db.tableName, Item: item }));
}

export { userBudgetEntity };
