import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { BankConnection, Transaction } from "@expenzez/db";
import { parseDeliveredEvent } from "@expenzez/events";
import { createLogger } from "@expenzez/logger";
import { startWorker, type Worker } from "@expenzez/runtime";
import { handleSyncJob } from "@expenzez/sync-worker";
import { type SyncHarness, startSyncHarness } from "@expenzez/sync-worker/testing";
import { receiveAll, until } from "@expenzez/testing";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, sqsJobSender } from "../src/index";

// End to end on the emulator and the TrueLayer simulator: a backfill asks for older history with
// async requests, the simulator calls the real webhook back, the webhook queues results jobs and
// a real queue worker running the sync handler fetches and stores them.

const SECRET = "results-secret-e2e-0123456789";
const PSU_IP = "203.0.113.40";
const log = createLogger("test", { level: "silent" });

let h: SyncHarness;
let server: ServerType;
let base: string;
let worker: Worker;
let foreign: Server;
let foreignRequests = 0;
let foreignUrl: string;
/** The worker's clock (the simulator's when the worker started). */
let workerNow: Date;

beforeAll(async () => {
  h = await startSyncHarness({ seed: "async-results-e2e", log });
  const app = createApp(
    {
      db: h.db,
      repos: h.repos,
      sendJob: sqsJobSender(h.stack.aws.sqs, h.stack.handles.queues.syncJobs.url),
      verifyBearer: async () => {
        throw new Error("no bearer routes in this test");
      },
      verifyTlSignature: async () => {
        throw new Error("no signed webhooks in this test");
      },
      resultsSecret: SECRET,
      log,
    },
    { clientIp: () => undefined },
  );
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A host that is not our TrueLayer: anything reaching it would have carried a connection's token.
  foreign = createServer((_req, res) => {
    foreignRequests++;
    res.end(JSON.stringify({ results: [], status: "Succeeded" }));
  });
  await new Promise<void>((resolve) => foreign.listen(0, "127.0.0.1", resolve));
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/data/v1/results/stolen`;
  const now = await h.sandbox.admin.now();
  workerNow = now;
  const q = h.stack.handles.queues.syncJobs;
  await receiveAll(h.stack.aws.sqs, q.dlqUrl, { remove: true });
  worker = startWorker({
    sqs: h.stack.aws.sqs,
    queueUrl: q.url,
    dlqUrl: q.dlqUrl,
    visibilityTimeoutSeconds: 30,
    waitTimeSeconds: 1,
    log,
    handler: (message, context) =>
      handleSyncJob(message, h.syncDeps(now, { log: context.log, leaseRetrySeconds: 1, asyncHistory: { webhookUri: `${base}/truelayer/results/${SECRET}` } })),
  });
});

afterAll(async () => {
  await worker?.stop();
  await new Promise((resolve) => server?.close(resolve));
  await new Promise((resolve) => foreign?.close(resolve));
  await h?.stop();
});

async function connect(historyDays: number) {
  const sim = await h.sandbox.admin.createUser({ accounts: 2, cards: 0, history_days: historyDays, scenario: { unattended_limit: null } });
  const now = await h.sandbox.admin.now();
  const connection = await h.repos.connections.putNew({
    userId: `u-${sim.user_id}`,
    connectionId: `conn-${sim.user_id}`,
    credentialsId: sim.credentials_id,
    providerId: "mock",
    status: "active",
    accessToken: sim.tokens.access_token,
    refreshToken: sim.tokens.refresh_token as string,
    tokenExpiresAt: new Date(now.getTime() + sim.tokens.expires_in * 1000).toISOString(),
    consentExpiresAt: sim.consent_expires_at,
    nextSyncAt: now.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  });
  return { sim, connection };
}

async function queueJob(job: Record<string, unknown>): Promise<void> {
  await h.stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: h.stack.handles.queues.syncJobs.url, MessageBody: JSON.stringify(job) }));
}

async function stored(userId: string): Promise<Transaction[]> {
  const all: Transaction[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.repos.transactions.listByUser(userId, { cursor, limit: 500 });
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

const providerIds = (list: readonly { normalised_provider_transaction_id?: string | undefined }[]) =>
  list.map((t) => t.normalised_provider_transaction_id as string).sort();

/** A connection with 30 days of history whose first sync (an attended job through the worker) completed. */
async function connectedAndSynced(jobId: string) {
  const c = await connect(30);
  const { connection } = c;
  await queueJob({
    jobId,
    userId: connection.userId,
    connectionId: connection.connectionId,
    reason: "refresh_now",
    requestedAt: new Date().toISOString(),
    psuIp: PSU_IP,
  });
  await until(async () => (await connectionOf(connection)).lastSyncAt !== undefined, { message: "first sync stored the accounts" });
  return c;
}

async function connectionOf(c: BankConnection): Promise<BankConnection> {
  return (await h.repos.connections.get(c.userId, c.connectionId)) as BankConnection;
}

const resultsCallbacks = async () => (await h.sandbox.admin.webhooks()).filter((d) => d.url.startsWith(`${base}/truelayer/results/`));

describe("async history: request → callback → job → results stored", () => {
  let c: Awaited<ReturnType<typeof connect>>;
  let backfillFrom: string;
  let served: string[];

  beforeAll(async () => {
    c = await connect(200);
    const now = await h.sandbox.admin.now();
    backfillFrom = new Date(now.getTime() - 180 * 86_400_000).toISOString().slice(0, 10);
    // What the bank holds for the whole range, read directly (attended: no limit, no history cap).
    const ctx = { accessToken: c.sim.tokens.access_token, connectionId: "direct", psuIp: PSU_IP };
    const range = { from: `${backfillFrom}T00:00:00.000Z`, to: now.toISOString() };
    served = [];
    for (const a of await h.truelayer.getAccounts(ctx)) {
      served.push(...providerIds((await h.truelayer.listTransactions(ctx, { kind: "account", accountId: a.account_id, range })).transactions));
    }
    served.sort();
    const before = (await resultsCallbacks()).length;
    await queueJob({
      jobId: "backfill-1",
      userId: c.connection.userId,
      connectionId: c.connection.connectionId,
      reason: "backfill",
      requestedAt: now.toISOString(),
      psuIp: PSU_IP,
      backfillFrom,
    });
    // Two accounts: two async tasks, two callbacks, two results jobs.
    await until(async () => (await resultsCallbacks()).length - before === 2, { message: "both async callbacks delivered", timeoutMs: 60_000 });
    await until(async () => (await connectionOf(c.connection)).recentJobIds?.length === 3, {
      message: "the backfill and both results jobs completed",
      timeoutMs: 60_000,
    });
  });

  it("stores every booked transaction the bank holds back to the backfill day exactly once", async () => {
    // Assess
    const booked = (await stored(c.connection.userId)).filter((t) => t.status === "booked");
    const ids = booked.map((t) => t.normalisedProviderTransactionId).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(served);
    // Older than the usual 90-day window: only the async results could have brought these.
    const now = await h.sandbox.admin.now();
    expect(booked.filter((t) => Date.parse(t.timestamp) < now.getTime() - 100 * 86_400_000).length).toBeGreaterThan(0);
    // Counters equal what is stored.
    for (const a of (await h.repos.accounts.listByUser(c.connection.userId)).items) {
      const mine = (await stored(c.connection.userId)).filter((t) => t.accountId === a.accountId);
      expect(a.transactionSummary.totalTransactions).toBe(mine.length);
    }
  });

  it("leaves the connection's sync clock to the backfill: a results job only adds history", async () => {
    // Assess
    const after = await connectionOf(c.connection);
    expect(after.lastSyncAt).toBe(workerNow.toISOString());
    expect(after.syncStats?.totalSyncs).toBe(1);
    expect(after.syncStats?.lastErrorCode).toBeUndefined();
  });

  it("answers a replayed callback as a duplicate and stores nothing twice, even when a copy of the job runs again", async () => {
    // Prepare
    const [delivery] = await resultsCallbacks();
    const count = (await stored(c.connection.userId)).length;
    // Act: TrueLayer retries the delivery, and a duplicate of a results job reaches the worker.
    const replay = await fetch(delivery?.url as string, { method: "POST", headers: { "Content-Type": "application/json" }, body: delivery?.body });
    const callback = JSON.parse(delivery?.body as string);
    await queueJob({
      version: 2,
      jobId: "results-copy",
      userId: c.connection.userId,
      connectionId: c.connection.connectionId,
      reason: "webhook",
      requestedAt: new Date().toISOString(),
      results: { uri: callback.results_uri, taskId: callback.task_id, requestUri: callback.request_uri.replace(/&webhook_uri=[^&]*/, ""), status: "Succeeded" },
    });
    await until(async () => (await connectionOf(c.connection)).recentJobIds?.includes("results-copy") ?? false, { message: "the copy ran" });
    // Assess
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ outcome: "duplicate" });
    expect((await stored(c.connection.userId)).length).toBe(count);
  });
});

describe("results the worker refuses or records", () => {
  it("dead-letters a results_uri on a foreign host with the reason, and never calls it", async () => {
    // Prepare
    const { sim, connection } = await connectedAndSynced("sync-first");
    const account = (await h.repos.accounts.listByUser(connection.userId)).items[0];
    // Act: the secret leaked; someone posts a callback pointing at their own host.
    const res = await fetch(`${base}/truelayer/results/${SECRET}`, {
      method: "POST",
      body: JSON.stringify({
        request_uri: `${h.sandbox.dataUrl}/accounts/${account?.providerAccountId}/transactions?from=2026-01-01&to=2026-06-01`,
        results_uri: foreignUrl,
        credentials_id: sim.credentials_id,
        task_id: "task-foreign",
        status: "Succeeded",
      }),
    });
    // Assess
    expect(res.status).toBe(200);
    const q = h.stack.handles.queues.syncJobs;
    await until(() => worker.stats.deadLettered === 1, { message: "the foreign results job dead-lettered" });
    const dead = await receiveAll(h.stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(dead.map((m) => m.MessageAttributes?.failure_code?.StringValue)).toEqual(["sync.results_foreign_host"]);
    expect(dead[0]?.MessageAttributes?.failure_reason?.StringValue).toContain("task-foreign");
    expect(foreignRequests).toBe(0);
    // Nothing written, the lease released.
    const after = await connectionOf(connection);
    expect(after.leaseOwner).toBeUndefined();
    expect(after.syncStats?.totalSyncs).toBe(1);
  });

  it("records a Failed task on the connection and announces it", async () => {
    // Prepare
    const { sim, connection } = await connectedAndSynced("sync-first-2");
    await receiveAll(h.stack.aws.sqs, h.stack.handles.queues.alertDispatch.url, { remove: true });
    await h.sandbox.admin.setScenario(sim.user_id, { errors: [{ status: 503, error: "provider_error", path: "/transactions" }] });
    const account = (await h.repos.accounts.listByUser(connection.userId)).items[0];
    // Act: an async request whose task fails at the bank.
    await h.truelayer.requestTransactionsAsync(
      { accessToken: sim.tokens.access_token, connectionId: connection.connectionId, psuIp: PSU_IP },
      { kind: "account", accountId: account?.providerAccountId as string, range: { from: "2026-05-01T00:00:00.000Z", to: "2026-06-01T00:00:00.000Z" } },
      `${base}/truelayer/results/${SECRET}`,
    );
    // Assess
    await until(async () => (await connectionOf(connection)).syncStats?.lastErrorCode !== undefined, { message: "the failed task recorded" });
    const after = await connectionOf(connection);
    expect(after.syncStats?.lastErrorCode).toBe("sync.async_task_failed");
    expect(after.syncStats?.consecutiveFailures).toBe(1);
    expect(after.leaseOwner).toBeUndefined();
    const events: ReturnType<typeof parseDeliveredEvent>[] = [];
    await until(
      async () => {
        const found = (await receiveAll(h.stack.aws.sqs, h.stack.handles.queues.alertDispatch.url, { remove: true })).map((m) =>
          parseDeliveredEvent(m.Body as string),
        );
        events.push(...found.filter((e) => e.detailType === "ConnectionSyncFailed"));
        return events.length > 0;
      },
      { message: "ConnectionSyncFailed announced" },
    );
    expect(events[0]?.detail).toMatchObject({ connectionId: connection.connectionId, errorCode: "sync.async_task_failed", retryable: false });
  });
});
