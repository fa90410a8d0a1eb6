import { GetQueueAttributesCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { BankConnection, Repositories } from "@expenzez/db";
import type { LocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { type MessageHandler, startWorker, type Worker } from "@expenzez/runtime";
import { receiveAll, until } from "@expenzez/testing";
import type { RunningSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleSyncJob } from "../src/index";
import { METRICS } from "../src/metrics";
import { type SyncHarness, startSyncHarness } from "./harness";

// Many jobs for one connection: covered jobs and deferrals, on moto and the TrueLayer simulator.

let harness: SyncHarness;
let stack: LocalStack;
let repos: Repositories;
let sandbox: RunningSandbox;
const lines: string[] = [];
const log = createLogger("test", { level: "info", destination: { write: (l: string) => void lines.push(l) } });

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "sync-contention-tests", log });
  ({ stack, repos, sandbox } = harness);
});
afterAll(() => harness?.stop());
beforeEach(async () => {
  for (const q of ["budgetRecalc", "recurring", "alertDispatch"] as const) await receiveAll(stack.aws.sqs, stack.handles.queues[q].url, { remove: true });
  lines.length = 0;
});

/** The simulator's clock, moving with real time: what the workers and the job producers share. */
async function movingClock(): Promise<() => Date> {
  const simStart = (await sandbox.admin.now()).getTime();
  const realStart = Date.now();
  return () => new Date(simStart + (Date.now() - realStart));
}

const connect = (scenario: Record<string, unknown> = {}) => harness.connect({ history_days: 20, scenario });

let jobs = 0;
const job = (c: { userId: string; connectionId: string }, requestedAt: Date, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    jobId: `cjob-${++jobs}`,
    userId: c.userId,
    connectionId: c.connectionId,
    reason: "scheduled",
    requestedAt: requestedAt.toISOString(),
    ...over,
  });

const connectionOf = async (c: { userId: string; connectionId: string }) => (await repos.connections.get(c.userId, c.connectionId)) as BankConnection;
const metricLines = (name: string) => lines.filter((l) => l.includes(`"${name}"`)).length;

async function expectExactCounts(userId: string): Promise<number> {
  const txs = (await repos.transactions.listByUser(userId, { limit: 1000 })).items;
  const accounts = (await repos.accounts.listByUser(userId)).items;
  for (const a of accounts) expect(a.transactionSummary.totalTransactions).toBe(txs.filter((t) => t.accountId === a.accountId).length);
  return txs.length;
}

describe("a job whose work a completed sync did", () => {
  it("is acknowledged without calling the bank or spending a PSD2 refresh, when that sync started after it was requested", async () => {
    // Prepare: a job requested, then another job's sync starts and completes
    const c = await connect();
    const now = await sandbox.admin.now();
    const requested = new Date(now.getTime() - 1_000);
    await handleSyncJob({ body: job(c, now) }, harness.syncDeps(now));
    const before = await connectionOf(c);
    const bankCalls = (await sandbox.admin.requests()).length;
    // Act
    await handleSyncJob({ body: job(c, requested) }, harness.syncDeps(new Date(now.getTime() + 5_000)));
    // Assess
    expect((await sandbox.admin.requests()).length).toBe(bankCalls);
    const after = await connectionOf(c);
    expect(after.unattendedRefreshes).toEqual(before.unattendedRefreshes);
    expect(after.syncStats?.totalSyncs).toBe(1);
    expect(after.leaseOwner).toBeUndefined();
    expect(metricLines(METRICS.coveredJobs)).toBe(1);
  });

  it("is synced when it was requested after the last sync started, and a backfill is synced whatever the last sync", async () => {
    const c = await connect();
    const now = await sandbox.admin.now();
    await handleSyncJob({ body: job(c, now) }, harness.syncDeps(now));
    // Act
    await handleSyncJob({ body: job(c, new Date(now.getTime() + 1_000)) }, harness.syncDeps(new Date(now.getTime() + 2_000)));
    await handleSyncJob({ body: job(c, new Date(now.getTime() - 60_000), { backfillFrom: "2026-10-01" }) }, harness.syncDeps(new Date(now.getTime() + 3_000)));
    // Assess
    expect((await connectionOf(c)).syncStats?.totalSyncs).toBe(3);
    expect(metricLines(METRICS.coveredJobs)).toBe(0);
  });
});

describe("two workers, many jobs and duplicates for one connection", () => {
  it("no delivery spends a receive waiting for the lease: one sync, the rest deferred then covered or done, nothing dead-lettered", async () => {
    // Prepare: a slow bank (each call 800 ms), three jobs and two copies of the first, sent at once
    const c = await connect({ latency_ms: 800 });
    const clock = await movingClock();
    const q = stack.handles.queues.syncJobs;
    await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    const first = job(c, clock());
    const bodies = [first, first, first, job(c, clock()), job(c, clock(), { reason: "webhook" })];
    await Promise.all(bodies.map((MessageBody) => stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody }))));
    const receives: number[] = [];
    const workers: Worker[] = ["w1", "w2"].map((workerId) => {
      const handler: MessageHandler = (message, context) => {
        receives.push(message.receiveCount);
        return handleSyncJob(message, harness.syncDeps(clock, { workerId, log: context.log, leaseRetrySeconds: 1, random: Math.random }));
      };
      return startWorker({
        sqs: stack.aws.sqs,
        queueUrl: q.url,
        dlqUrl: q.dlqUrl,
        visibilityTimeoutSeconds: 30,
        waitTimeSeconds: 1,
        maxReceiveCount: stack.def.queues.syncJobs.maxReceiveCount,
        concurrency: 5,
        log,
        handler,
      });
    });
    // Act
    await until(() => workers.reduce((n, w) => n + w.stats.done, 0) === bodies.length, { timeoutMs: 60_000, message: "every job acknowledged" });
    await Promise.all(workers.map((w) => w.stop()));
    // Assess
    const deferred = workers.reduce((n, w) => n + w.stats.deferred, 0);
    expect(deferred).toBeGreaterThanOrEqual(1);
    expect(workers.reduce((n, w) => n + w.stats.retried + w.stats.deadLettered, 0)).toBe(0);
    expect(new Set(receives)).toEqual(new Set([1]));
    const conn = await connectionOf(c);
    expect(conn.syncStats?.totalSyncs).toBe(1);
    // One PSD2 refresh at most: the one sync's, if the job that won the lease was a scheduled one
    // (a webhook job spends none); which job wins is the race's.
    const synced = bodies.map((b) => JSON.parse(b) as { jobId: string; reason: string }).find((b) => conn.recentJobIds?.includes(b.jobId));
    expect(synced).toBeDefined();
    expect(conn.unattendedRefreshes?.count ?? 0).toBe(synced?.reason === "scheduled" ? 1 : 0);
    expect(metricLines(METRICS.coveredJobs) + metricLines(METRICS.duplicateJobs)).toBeGreaterThanOrEqual(bodies.length - 1);
    expect(await expectExactCounts(c.userId)).toBeGreaterThan(0);
    const attrs = await stack.aws.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: q.url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
      }),
    );
    expect(Object.values(attrs.Attributes ?? {}).map(Number)).toEqual([0, 0, 0]);
    expect(await receiveAll(stack.aws.sqs, q.dlqUrl)).toEqual([]);
  });
});
