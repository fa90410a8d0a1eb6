import type { SQSClient } from "@aws-sdk/client-sqs";
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, OUTBOX_SHARDS, outboxPk, outboxShard, transactWrite } from "@expenzez/db";
import { buildEvent, parseDeliveredEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOutboxDeleteBatcher, outboxItem, relayOutboxRecords, sweepOutbox } from "../src/index";

let stack: LocalStack;
let db: Db;
let sqs: SQSClient;
const log = createLogger("test", { level: "silent" });

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  sqs = stack.aws.sqs;
});

async function drain(url: string): Promise<string[]> {
  return (await receiveAll(sqs, url, { remove: true })).map((m) => m.Body!);
}

async function outboxCount(): Promise<number> {
  let n = 0;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
    const page = await db.doc.send(
      new QueryCommand({ TableName: db.tableName, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": outboxPk(shard) } }),
    );
    n += page.Count ?? 0;
  }
  return n;
}

const synced = (occurredAt?: string) =>
  buildEvent("TransactionsSynced", {
    userId: "u1",
    connectionId: "c1",
    syncId: "s1",
    accountIds: ["a1"],
    counts: { added: 2, modified: 0, removed: 0 },
    categories: ["groceries"],
    merchants: ["Tesco"],
    range: { from: "2026-11-01", to: "2026-11-24" },
    ...(occurredAt ? { occurredAt } : {}),
  });

beforeEach(async () => {
  await drain(stack.handles.queues.budgetRecalc.url);
  await drain(stack.handles.queues.recurring.url);
});

describe("transactional outbox on moto", () => {
  it("commits the event with the data, relays it to the routed queues and deletes it", async () => {
    const event = synced();
    const { record, item } = outboxItem(event);
    await transactWrite(db.doc, [
      { Put: { TableName: db.tableName, Item: { PK: "USER#u1", SK: "MARKER#1", note: "data written with the event" } } },
      { Put: { TableName: db.tableName, Item: item, ConditionExpression: "attribute_not_exists(PK)" } },
    ]);
    expect(await outboxCount()).toBe(1);

    await relayOutboxRecords({ db, events: stack.aws.events, busName: stack.handles.busName, log }, [record]);

    const delivered = (await drain(stack.handles.queues.budgetRecalc.url)).map(parseDeliveredEvent);
    expect(delivered.map((d) => d.detail.eventId)).toEqual([event.detail.eventId]);
    expect(await drain(stack.handles.queues.recurring.url)).toHaveLength(1);
    expect(await outboxCount()).toBe(0);
  });

  it("publishes the events bundled in one record with it, each to its own routes, and deletes the one item; the sweep does the same", async () => {
    const large = (transactionId: string) =>
      buildEvent("LargeTransactionDetected", {
        userId: "u1",
        accountId: "a1",
        transactionId,
        amountMinor: -90_000,
        currency: "GBP",
        merchant: "Currys",
        bookedAt: "2026-11-20T10:00:00Z",
        thresholdMinor: 50_000,
      });
    const relayed = outboxItem(synced(), undefined, [large("txn_1"), large("txn_2")]);
    const swept = outboxItem(synced(), new Date(Date.now() - 5 * 60_000).toISOString(), [large("txn_3")]);
    await transactWrite(db.doc, [
      { Put: { TableName: db.tableName, Item: relayed.item, ConditionExpression: "attribute_not_exists(PK)" } },
      { Put: { TableName: db.tableName, Item: swept.item, ConditionExpression: "attribute_not_exists(PK)" } },
    ]);
    await drain(stack.handles.queues.alertDispatch.url);
    const deps = { db, events: stack.aws.events, busName: stack.handles.busName, log };
    await relayOutboxRecords(deps, [relayed.record]);
    expect(await sweepOutbox(deps)).toMatchObject({ published: 1 });
    const alerts = (await drain(stack.handles.queues.alertDispatch.url)).map(parseDeliveredEvent);
    expect(alerts.map((e) => (e.detail as { transactionId: string }).transactionId).sort()).toEqual(["txn_1", "txn_2", "txn_3"]);
    expect(await drain(stack.handles.queues.budgetRecalc.url)).toHaveLength(2);
    expect(await outboxCount()).toBe(0);
  });

  it("sweeps what a crashed writer left behind, but not events younger than the cutoff", async () => {
    const old = outboxItem(synced(), new Date(Date.now() - 5 * 60_000).toISOString());
    const fresh = outboxItem(synced(), new Date().toISOString());
    for (const { item } of [old, fresh]) await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));

    const result = await sweepOutbox({ db, events: stack.aws.events, busName: stack.handles.busName, log });

    expect(result).toEqual({ published: 1, overdue: 1 });
    const delivered = (await drain(stack.handles.queues.budgetRecalc.url)).map(parseDeliveredEvent);
    expect(delivered.map((d) => d.detail.eventId)).toEqual([old.record.eventId]);
    expect(await outboxCount()).toBe(1);
  });

  it("ages a record from when it was written, not from the event's occurredAt", async () => {
    // Prepare: an event about something long ago (a closed period, a redrive), written just now.
    const before = await outboxCount();
    const written = outboxItem(synced(new Date(Date.now() - 24 * 3_600_000).toISOString()));
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: written.item }));
    // Act
    const result = await sweepOutbox({ db, events: stack.aws.events, busName: stack.handles.busName, log });
    // Assess: left to its writer's own relay, not published twice at once.
    expect(result.published).toBe(0);
    expect(await outboxCount()).toBe(before + 1);
  });

  it("sweeps past a record that can never be published (corrupt, or too big for EventBridge) and leaves it in place", async () => {
    // Prepare: in shard 0, a corrupt item and an event over 256 KB; a good event in a later shard.
    const inShard = (want: (shard: number) => boolean) => {
      for (;;) {
        const event = synced();
        if (want(outboxShard(event.detail.eventId))) return event;
      }
    };
    const longAgo = new Date(Date.now() - 10 * 60_000).toISOString();
    const huge = inShard((s) => s === 0);
    huge.detail.merchants = Array.from({ length: 3000 }, (_, i) => `merchant-${i}-${"x".repeat(90)}`);
    const good = inShard((s) => s > 0);
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...outboxItem(huge, longAgo).item } }));
    await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...outboxItem(good, longAgo).item } }));
    await db.doc.send(
      new PutCommand({ TableName: db.tableName, Item: { PK: outboxPk(0), SK: `${longAgo}#corrupt`, entityType: "Outbox", detail: "not json" } }),
    );
    const before = await outboxCount();
    // Act
    const result = await sweepOutbox({ db, events: stack.aws.events, busName: stack.handles.busName, log });
    // Assess
    // The two that stay are overdue at every pass: the backlog alarm keeps firing until a person acts.
    expect(result).toEqual({ published: 1, overdue: 3 });
    const delivered = (await drain(stack.handles.queues.budgetRecalc.url)).map(parseDeliveredEvent);
    expect(delivered.map((d) => d.detail.eventId)).toEqual([good.detail.eventId]);
    expect(await outboxCount()).toBe(before - 1);
  });
});

describe("outbox deletes gathered across relays", () => {
  it("publishes at once but deletes the published records in one batch, at 25 keys or on flush", async () => {
    // Prepare: three writers' records, each committed (earlier tests leave records for inspection)
    const before = await outboxCount();
    const writes = Array.from({ length: 3 }, () => outboxItem(synced()));
    for (const { item } of writes) await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item }));
    let batches = 0;
    const counted = {
      ...db,
      doc: {
        send: (command: { constructor: { name: string } }) => {
          if (command.constructor.name === "BatchWriteCommand") batches++;
          return db.doc.send(command as never);
        },
      } as Db["doc"],
    };
    const deletes = createOutboxDeleteBatcher({ db: counted, log }, { maxDelayMs: 60_000 });
    const relay = { db: counted, events: stack.aws.events, busName: stack.handles.busName, log };
    // Act: three relays, then the flush a stopping process does
    for (const { record } of writes) await relayOutboxRecords(relay, [record], { deletes });
    // Assess
    expect(await drain(stack.handles.queues.budgetRecalc.url)).toHaveLength(3);
    expect(deletes.pending).toBe(3);
    expect(await outboxCount()).toBe(before + 3);
    await deletes.flush();
    expect(batches).toBe(1);
    expect(deletes.pending).toBe(0);
    expect(await outboxCount()).toBe(before);
  });

  it("deletes a full batch of 25 without waiting", async () => {
    // Prepare
    const before = await outboxCount();
    const keys = Array.from({ length: 25 }, (_, i) => ({ PK: outboxPk(0), SK: `2026-11-01T00:00:00.000Z#batch-${i}` }));
    for (const k of keys) await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...k, entityType: "Outbox" } }));
    const deletes = createOutboxDeleteBatcher({ db, log }, { maxDelayMs: 60_000 });
    // Act
    deletes.add(keys);
    // Assess: sent already; flush only waits for it
    expect(deletes.pending).toBe(0);
    await deletes.flush();
    expect(await outboxCount()).toBe(before);
  });
});
