import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DeleteCommand, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { type BankConnectionInput, createRepositories, type Db, keys, type Repositories } from "@expenzez/db";
import { parseDeliveredEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { acquireTaskLock } from "@expenzez/runtime";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runTick, type SchedulerDeps, schedulerTask } from "../src/index";

// Needs the local AWS emulator (vitest global setup). The race test starts two real scheduler processes.

const run = promisify(execFile);
const log = createLogger("test", { level: "silent" });
const DAY = 86_400_000;

let stack: LocalStack;
let db: Db;
let repos: Repositories;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
});

// Every test leaves nothing due behind it, and empty queues.
afterEach(async () => {
  const far = new Date(Date.now() + 365 * DAY).toISOString();
  for (const d of await repos.connections.listAllDue(far))
    await repos.connections.moveDue(d.userId, d.connectionId, d.nextSyncAt, new Date(Date.now() + 400 * DAY).toISOString());
  await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true });
  await receiveAll(stack.aws.sqs, stack.handles.queues.alertDispatch.url, { remove: true });
});

let seq = 0;
async function dueConnection(over: Partial<BankConnectionInput> = {}): Promise<{ userId: string; connectionId: string }> {
  seq++;
  const now = new Date().toISOString();
  const c = { userId: `u-${seq}`, connectionId: `conn-${seq}` };
  await repos.connections.putNew({
    ...c,
    providerId: "mock",
    status: "active",
    accessToken: "at",
    refreshToken: "rt",
    tokenExpiresAt: now,
    consentExpiresAt: new Date(Date.now() + 80 * DAY).toISOString(),
    nextSyncAt: new Date(Date.now() - 60_000).toISOString(),
    createdAt: now,
    updatedAt: now,
    ...over,
  });
  return c;
}

function deps(over: Partial<SchedulerDeps> = {}): SchedulerDeps {
  return {
    db,
    connections: repos.connections,
    sqs: stack.aws.sqs,
    queueUrl: stack.handles.queues.syncJobs.url,
    relay: { db, events: stack.aws.events, busName: stack.handles.busName, log },
    log,
    maxQueueDepth: 10_000,
    random: () => 0.5,
    ...over,
  };
}

async function jobs(): Promise<{ connectionId: string; reason: string; correlationId?: string }[]> {
  return (await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true })).map((m) => JSON.parse(m.Body as string));
}

describe("claiming due connections", () => {
  it("queues each due connection exactly once when two scheduler processes race on one table", async () => {
    // Prepare
    const due = await Promise.all(Array.from({ length: 40 }, () => dueConnection()));
    const env = { ...process.env, AWS_ENDPOINT_URL: emulatorEndpoint(), STAGE: "local", AWS_REGION: "eu-west-2", LOG_LEVEL: "info" };
    const tsx = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "tsx");
    const once = () => run(tsx, ["src/worker.ts", "--once"], { cwd: join(import.meta.dirname, ".."), env, timeout: 60_000 });
    // Act
    const outputs = await Promise.all([once(), once()]);
    // Assess
    const queued = await jobs();
    expect(queued.map((j) => j.connectionId).sort()).toEqual(due.map((c) => c.connectionId).sort());
    // Each process either ran a tick or found the other holding the task lock (then it queued nothing).
    const lines = outputs.map((o) => o.stdout.split("\n").find((l) => l.includes('"scheduler tick"') || l.includes("scheduler tick skipped")));
    expect(lines.every((l) => l !== undefined)).toBe(true);
    const reports = lines.map((l) => JSON.parse(l as string)).filter((r) => r.enqueued !== undefined);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports.reduce((n, r) => n + r.enqueued, 0)).toBe(40);
    expect(queued.every((j) => j.reason === "scheduled" && j.correlationId)).toBe(true);
  }, 90_000);

  it("queues every other due connection when one due connection's item fails its schema, and leaves that one due for a person", async () => {
    // Prepare: two due connections; one item then holds what no release writes (a negative count)
    const [bad, good] = [await dueConnection(), await dueConnection()];
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keys.connection(bad.userId, bad.connectionId),
        UpdateExpression: "SET syncStats = :bad",
        ExpressionAttributeValues: { ":bad": { totalSyncs: -1, consecutiveFailures: 0 } },
      }),
    );
    // Act
    const report = await runTick(deps());
    // Assess
    expect((await jobs()).map((j) => j.connectionId)).toEqual([good.connectionId]);
    expect(report).toMatchObject({ enqueued: 1, invalid: 1 });
    const left = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.connection(bad.userId, bad.connectionId) }));
    expect(Date.parse(left.Item?.nextSyncAt as string)).toBeLessThanOrEqual(Date.now());
    // Left due for a person (and for no later test): out of the index.
    await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: keys.connection(bad.userId, bad.connectionId) }));
  });

  it("queues once when two ticks in one process race, and the claimed slot leaves the due index", async () => {
    // Prepare
    const due = await Promise.all(Array.from({ length: 25 }, () => dueConnection()));
    // Act
    const [a, b] = await Promise.all([runTick(deps()), runTick(deps())]);
    const stillDue = await repos.connections.listAllDue(new Date().toISOString());
    // Assess
    expect(a.enqueued + b.enqueued).toBe(25);
    // A tick that reads after the other claimed never sees the slot; one that read before loses the claim.
    expect(a.scanned + b.scanned - (a.lostClaims + b.lostClaims)).toBe(25);
    expect(new Set((await jobs()).map((j) => j.connectionId))).toEqual(new Set(due.map((c) => c.connectionId)));
    expect(stillDue).toEqual([]);
  });

  it("retries entries SQS refuses, and hands the claim back for those it never takes", async () => {
    // Prepare
    const [flaky, refused] = [await dueConnection(), await dueConnection()];
    const before = (await repos.connections.get(refused.userId, refused.connectionId))!.nextSyncAt!;
    let calls = 0;
    // Fault injection on the real queue: the first call refuses both entries, later calls refuse the second one's.
    const sqs = {
      send: async (command: unknown) => {
        if (!(command instanceof SendMessageBatchCommand)) return stack.aws.sqs.send(command as never);
        calls++;
        const entries = command.input.Entries ?? [];
        const refuse = entries.filter((e) => calls === 1 || JSON.parse(e.MessageBody ?? "{}").connectionId === refused.connectionId);
        const take = entries.filter((e) => !refuse.includes(e));
        if (take.length > 0) await stack.aws.sqs.send(new SendMessageBatchCommand({ QueueUrl: command.input.QueueUrl, Entries: take }));
        return { Successful: [], Failed: refuse.map((e) => ({ Id: e.Id, Code: "InternalError", SenderFault: false })) };
      },
    } as unknown as SQSClient;
    // Act
    const report = await runTick(deps({ sqs, sendAttempts: 3 }));
    // Assess
    expect(report).toMatchObject({ enqueued: 1, notSent: 1 });
    expect(calls).toBe(3);
    expect((await jobs()).map((j) => j.connectionId)).toEqual([flaky.connectionId]);
    expect((await repos.connections.get(refused.userId, refused.connectionId))!.nextSyncAt).toBe(before);
  });
});

describe("policies", () => {
  it("spends no job on a connection whose 4 unattended refreshes today are used, and moves it to tomorrow", async () => {
    // Prepare
    const today = new Date().toISOString().slice(0, 10);
    const c = await dueConnection({ unattendedRefreshes: { day: today, count: 4 } });
    // Act
    const report = await runTick(deps());
    // Assess
    expect(report).toMatchObject({ enqueued: 0, deferredPsd2: 1 });
    expect(await jobs()).toEqual([]);
    expect((await repos.connections.get(c.userId, c.connectionId))!.nextSyncAt!.slice(0, 10) > today).toBe(true);
  });

  it("backs a failing connection off exponentially, and queues it once the wait is over", async () => {
    // Prepare
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    const waiting = await dueConnection({ syncStats: { totalSyncs: 5, consecutiveFailures: 3 }, updatedAt: minutesAgo(30) });
    const ready = await dueConnection({ syncStats: { totalSyncs: 5, consecutiveFailures: 3 }, updatedAt: minutesAgo(70) });
    // Act
    const report = await runTick(deps());
    // Assess
    expect(report).toMatchObject({ enqueued: 1, deferredBackoff: 1 });
    expect((await jobs()).map((j) => j.connectionId)).toEqual([ready.connectionId]);
    const next = Date.parse((await repos.connections.get(waiting.userId, waiting.connectionId))!.nextSyncAt!);
    expect(next).toBeGreaterThan(Date.now() + 25 * 60_000);
  });

  it("queues no job for a connection whose sealed record cannot be opened until an operator clears it; one whose key KMS refuses waits for its retry time (ADR 0073)", async () => {
    // Prepare: both were due a minute ago; the sync worker recorded their faults
    const now = new Date().toISOString();
    const fault = (kind: "record" | "key") => ({ fault: kind, code: "crypto.x", reason: "refused", since: now, at: now, attempts: 1 });
    const parked = await dueConnection({ tokenFault: fault("record") });
    const retrying = await dueConnection({ tokenFault: fault("key"), nextSyncAt: new Date(Date.now() + 15 * 60_000).toISOString() });
    const fine = await dueConnection();
    // Act
    const first = await runTick(deps());
    const queuedFirst = (await jobs()).map((j) => j.connectionId);
    await repos.connections.clearTokenFault(parked.userId, parked.connectionId, new Date().toISOString());
    const second = await runTick(deps());
    // Assess
    expect(first).toMatchObject({ enqueued: 1 });
    expect(queuedFirst).toEqual([fine.connectionId]);
    expect(queuedFirst).not.toContain(retrying.connectionId);
    expect(second).toMatchObject({ enqueued: 1 });
    expect((await jobs()).map((j) => j.connectionId)).toEqual([parked.connectionId]);
  });

  it("enqueues nothing while the queue is deeper than the bound, and says so", async () => {
    // Prepare
    await dueConnection();
    await runTick(deps());
    await dueConnection();
    const metrics: string[] = [];
    // Act
    const report = await runTick(deps({ maxQueueDepth: 0, metric: (name, value) => value > 0 && metrics.push(name) }));
    // Assess
    expect(report).toMatchObject({ backPressure: true, enqueued: 0, queueDepth: 1 });
    expect(metrics).toEqual(["SchedulerBackPressure"]);
    expect((await jobs()).length).toBe(1);
  });

  it("announces ConnectionConsentExpiring 7 days and 1 day before expiry, once each", async () => {
    // Prepare
    const expires = new Date(Date.now() + 5 * DAY);
    const c = await dueConnection({ consentExpiresAt: expires.toISOString() });
    const again = async (at: Date) => {
      const stored = (await repos.connections.get(c.userId, c.connectionId))!;
      await repos.connections.moveDue(c.userId, c.connectionId, stored.nextSyncAt!, new Date(at.getTime() - 60_000).toISOString());
      return runTick(deps({ now: () => at }));
    };
    // Act
    const first = await runTick(deps());
    const second = await again(new Date(Date.now() + 60 * 60_000));
    const third = await again(new Date(expires.getTime() - 12 * 3_600_000));
    const fourth = await again(new Date(expires.getTime() - 6 * 3_600_000));
    // Assess
    expect([first, second, third, fourth].map((r) => r.consentWarnings)).toEqual([1, 0, 1, 0]);
    const events = (await receiveAll(stack.aws.sqs, stack.handles.queues.alertDispatch.url, { remove: true })).map((m) =>
      parseDeliveredEvent(m.Body as string),
    );
    expect(events.map((e) => (e.detailType === "ConnectionConsentExpiring" ? [e.detailType, e.detail.daysLeft, e.detail.connectionId] : e.detailType))).toEqual(
      [
        ["ConnectionConsentExpiring", 7, c.connectionId],
        ["ConnectionConsentExpiring", 1, c.connectionId],
      ],
    );
  });

  it("announces a consent warning once when a sync that read the connection before it finishes after it", async () => {
    // Prepare: a sync (say a "refresh now") holds the lease with the connection as it read it
    const c = await dueConnection({ consentExpiresAt: new Date(Date.now() + 5 * DAY).toISOString() });
    const now = new Date();
    const owner = "sync-worker/x/job:refresh";
    const read = await repos.connections.acquireLease(c.userId, c.connectionId, owner, new Date(now.getTime() + 240_000).toISOString(), now.toISOString());
    // Act: a tick while it runs, the sync's finish (the whole item it read, as the worker writes
    // it), then the next tick once the connection is due again
    const during = await runTick(deps());
    await repos.connections.finishLeased(
      { ...read, lastSyncAt: now.toISOString(), nextSyncAt: new Date(Date.now() - 60_000).toISOString() },
      read.version,
      owner,
    );
    const after = await runTick(deps());
    // Assess
    expect(during.consentWarnings + after.consentWarnings).toBe(1);
    const events = (await receiveAll(stack.aws.sqs, stack.handles.queues.alertDispatch.url, { remove: true })).map((m) =>
      parseDeliveredEvent(m.Body as string),
    );
    expect(events.filter((e) => e.detailType === "ConnectionConsentExpiring")).toHaveLength(1);
  });

  it("reports a connection due for over a day as stuck and queues it again", async () => {
    // Prepare
    const c = await dueConnection({
      nextSyncAt: new Date(Date.now() - 2 * DAY).toISOString(),
      leaseOwner: "dead-worker",
      leaseUntil: new Date(Date.now() - DAY).toISOString(),
    });
    // Act
    const report = await runTick(deps());
    // Assess
    expect(report).toMatchObject({ enqueued: 1, stuck: 1, staleLeases: 1 });
    expect((await jobs()).map((j) => j.connectionId)).toEqual([c.connectionId]);
  });
});

describe("the scheduler as the kit's scheduled task", () => {
  it("queues due connections in a locked pass, and a pass while another scheduler holds the lock queues nothing", async () => {
    // Prepare
    const due = await Promise.all(Array.from({ length: 3 }, () => dueConnection()));
    const runtime = await schedulerTask.createRuntime({
      ...process.env,
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      STAGE: "local",
      AWS_REGION: "eu-west-2",
      LOG_LEVEL: "silent",
    });
    const held = await acquireTaskLock(db, schedulerTask.name, "another-scheduler", 60);
    // Act
    const whileHeld = await schedulerTask.runOnce(runtime);
    const queuedWhileHeld = await jobs();
    await held?.release();
    const afterRelease = await schedulerTask.runOnce(runtime);
    // Assess
    expect(held).toBeDefined();
    expect(whileHeld).toEqual({ ran: false, reason: "locked" });
    expect(queuedWhileHeld).toEqual([]);
    expect(afterRelease).toMatchObject({ ran: true, result: { enqueued: 3 } });
    expect((await jobs()).map((j) => j.connectionId).sort()).toEqual(due.map((c) => c.connectionId).sort());
  });
});
