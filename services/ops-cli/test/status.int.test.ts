import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { buildEvent, parseDeliveredEvent } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { outboxItem, sendToDeadLetter } from "@expenzez/runtime";
import { receiveAll } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { collectStatus, type OpsContext, outboxBacklog, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
});

const synced = (userId: string) =>
  buildEvent("TransactionsSynced", {
    userId,
    connectionId: "c1",
    syncId: "s1",
    accountIds: ["a1"],
    counts: { added: 1, modified: 0, removed: 0 },
    categories: ["groceries"],
    merchants: ["Tesco"],
    range: { from: "2026-11-01", to: "2026-11-24" },
  });

describe("status", () => {
  it("reports queue and DLQ depths, the oldest dead letter's age, the outbox backlog and connections by status", async () => {
    const q = stack.handles.queues.syncJobs;
    for (let i = 0; i < 3; i++) await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: `{"job":${i}}` }));
    await sendToDeadLetter(stack.aws.sqs, {
      dlqUrl: q.dlqUrl,
      sourceQueueUrl: q.url,
      message: { messageId: "m1", receiptHandle: "rh", body: "{}", receiveCount: 5, attributes: {} },
      code: "sync.invalid_job",
      reason: "no connectionId",
    });
    for (const e of [synced("u1"), synced("u2")]) {
      await ctx.db.doc.send(new PutCommand({ TableName: ctx.db.tableName, Item: outboxItem(e, "2026-11-30T10:00:00.000Z").item }));
    }
    const repos = sealingRepos(stack, ctx);
    await repos.connections.putNew(aConnection("u1", "c-a", { lastSyncAt: "2026-12-01T09:00:00Z", nextSyncAt: "2026-12-01T13:00:00Z" }));
    await repos.connections.putNew(aConnection("u1", "c-b", { nextSyncAt: "2026-12-01T12:30:00Z" }));
    await repos.connections.putNew(
      aConnection("u2", "c-c", {
        status: "reconnect_required",
        nextSyncAt: undefined,
        lastSyncAt: "2026-12-01T10:00:00Z",
        syncStats: { totalSyncs: 4, consecutiveFailures: 2, lastErrorCode: "truelayer.token_revoked" },
      }),
    );

    const s = await collectStatus(ctx);

    const sync = s.queues.find((x) => x.queue === "syncJobs");
    expect(sync).toMatchObject({ depth: 3, dlqDepth: 1 });
    expect(sync?.dlqOldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(sync?.dlqOldestAgeSeconds).toBeLessThan(120);
    expect(s.queues.find((x) => x.queue === "recurring")).toMatchObject({ depth: 0, dlqDepth: 0, dlqOldestAgeSeconds: null });
    expect(s.outbox).toEqual({ backlog: 2, oldestAt: "2026-11-30T10:00:00.000Z" });
    expect(s.connections).toEqual({
      byStatus: { active: 2, reconnect_required: 1, expired: 0, revoked: 0 },
      lastSyncAt: "2026-12-01T10:00:00Z",
      nextSyncAt: "2026-12-01T12:30:00Z",
      failing: 1,
      lastErrorCode: "truelayer.token_revoked",
      tokenFaults: { record: 0, key: 0 },
    });

    const human = captureIo(ctx);
    expect(await runCli(["status"], human.io)).toBe(0);
    expect(human.out.join("")).toMatch(/reconnect_required[\s\S]*truelayer\.token_revoked/);
  });

  it("outbox replay publishes every record, however young, to the routed queues and empties the outbox", async () => {
    await receiveAll(stack.aws.sqs, stack.handles.queues.budgetRecalc.url, { remove: true });
    const fresh = synced("u3");
    await ctx.db.doc.send(new PutCommand({ TableName: ctx.db.tableName, Item: outboxItem(fresh).item }));
    const before = (await outboxBacklog(ctx)).backlog;

    const run = captureIo(ctx);
    expect(await runCli(["outbox", "replay", "--json"], run.io)).toBe(0);

    expect(JSON.parse(run.out.join(""))).toEqual({ published: before });
    expect((await outboxBacklog(ctx)).backlog).toBe(0);
    const delivered = (await receiveAll(stack.aws.sqs, stack.handles.queues.budgetRecalc.url, { remove: true })).map((m) => parseDeliveredEvent(m.Body ?? ""));
    expect(delivered.map((d) => d.detail.eventId)).toContain(fresh.detail.eventId);
  });
});
