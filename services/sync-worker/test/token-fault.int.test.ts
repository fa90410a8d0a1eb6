import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { createFieldEncryptor } from "@expenzez/crypto";
import { bankConnectionEntity, createRepositories, getEntity, keys, type StoredBankConnection } from "@expenzez/db";
import type { LocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { startWorker } from "@expenzez/runtime";
import { emulatorEndpoint, receiveAll, until } from "@expenzez/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleSyncJob, type SyncDeps } from "../src/index";
import { type Connected, type SyncHarness, startSyncHarness } from "./harness";

// A connection whose sealed tokens cannot be opened (ADR 0073), on the emulator: moto's KMS gives
// its real errors for a corrupt data key and for a key another region does not have.

let harness: SyncHarness;
let stack: LocalStack;
const log = createLogger("test", { level: "silent" });

beforeAll(async () => {
  harness = await startSyncHarness({ seed: "token-fault-tests", log });
  ({ stack } = harness);
});

afterAll(async () => {
  await harness?.stop();
});

let jobs = 0;
function body(c: Connected): string {
  jobs++;
  return JSON.stringify({
    jobId: `tf-job-${jobs}`,
    userId: c.userId,
    connectionId: c.connectionId,
    reason: "scheduled",
    requestedAt: new Date(0).toISOString(),
  });
}

async function stored(c: Connected): Promise<StoredBankConnection> {
  return (await getEntity(harness.db, bankConnectionEntity, keys.connection(c.userId, c.connectionId), { consistent: true })) as StoredBankConnection;
}

async function rawItem(c: Connected): Promise<Record<string, unknown>> {
  const out = await stack.aws.doc.send(
    new GetCommand({ TableName: harness.db.tableName, Key: keys.connection(c.userId, c.connectionId), ConsistentRead: true }),
  );
  return out.Item ?? {};
}

/** Writes the stored (sealed) refresh token as is, past the repository: a restore, or a corruption. */
async function setStoredRefreshToken(c: Connected, sealed: string): Promise<void> {
  await stack.aws.doc.send(
    new UpdateCommand({
      TableName: harness.db.tableName,
      Key: keys.connection(c.userId, c.connectionId),
      UpdateExpression: "SET refreshToken = :r",
      ExpressionAttributeValues: { ":r": sealed },
    }),
  );
}

/** Flips a byte of part `index` of the stored sealed refresh token (2 the data key, 4 the ciphertext): a corrupt or tampered record. */
async function corruptRefreshToken(c: Connected, index: number): Promise<void> {
  const parts = ((await stored(c)).refreshToken as string).split(".");
  const bytes = Buffer.from(parts[index] as string, "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  parts[index] = bytes.toString("base64url");
  await setStoredRefreshToken(c, parts.join("."));
}

/** Repositories whose tokens are opened by a fresh encryptor (no cached data key) on `kms`. */
function reposOn(kms: AwsClients["kms"]) {
  return createRepositories(harness.db, createFieldEncryptor({ kms, keyId: stack.handles.keyId }));
}

/** The same emulator seen from another region: a worker deployed with the wrong KMS region refuses every connection. */
function otherRegionKms(): AwsClients["kms"] {
  return createAwsClients({ region: "us-east-1", endpoint: emulatorEndpoint() }).kms;
}

async function isDue(c: Connected, at: Date): Promise<boolean> {
  const due = await harness.repos.connections.listAllDue(at.toISOString());
  return due.some((d) => d.connectionId === c.connectionId);
}

describe("a connection whose sealed record is bad", () => {
  it.each([
    ["its ciphertext was tampered with (authentication fails under the data key KMS gave)", 4, "crypto.decrypt_failed"],
    ["its data key is corrupt (KMS refuses it while our key seals and opens)", 2, "crypto.decrypt_failed"],
  ])("%s: the job is dead-lettered on its first receive, the connection records the fault and leaves the schedule", async (_what, part, code) => {
    // Prepare
    const c = await harness.connect();
    await corruptRefreshToken(c, part);
    const q = stack.handles.queues.syncJobs;
    await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body(c) }));
    const now = await harness.sandbox.admin.now();
    const deps = (over: Partial<SyncDeps>) => harness.syncDeps(now, { repos: reposOn(stack.aws.kms), ...over });
    const worker = startWorker({
      sqs: stack.aws.sqs,
      queueUrl: q.url,
      dlqUrl: q.dlqUrl,
      maxReceiveCount: 5,
      visibilityTimeoutSeconds: 30,
      waitTimeSeconds: 1,
      log,
      handler: (message, context) => handleSyncJob(message, deps({ log: context.log })),
    });
    // Act
    await until(() => worker.stats.deadLettered === 1, { message: "the job dead-lettered" });
    await worker.stop();
    // Assess: one receive, no retry, the reason on the dead letter
    expect(worker.stats.retried).toBe(0);
    const [dead, ...more] = await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(more).toEqual([]);
    expect(dead?.MessageAttributes?.failure_code?.StringValue).toBe("sync.token_unreadable");
    expect(dead?.MessageAttributes?.receive_count?.StringValue).toBe("1");
    expect(dead?.MessageAttributes?.failure_reason?.StringValue).toContain(code);
    // The connection: still active (nobody asked to reconnect), the fault recorded, out of the schedule, lease free
    const after = await stored(c);
    expect(after.status).toBe("active");
    expect(after.tokenFault).toMatchObject({ fault: "record", code, attempts: 1 });
    expect(after.leaseOwner).toBeUndefined();
    expect(await rawItem(c)).not.toHaveProperty("GSI4PK");
    expect(await isDue(c, new Date(now.getTime() + 7 * 86_400_000))).toBe(false);
  });

  it("an operator's clear puts it back on the schedule, due at once; a sync that opens its tokens leaves no fault", async () => {
    // Prepare: parked by a tampered record, then the record restored (here: written back as it was)
    const c = await harness.connect();
    const good = (await stored(c)).refreshToken as string;
    await corruptRefreshToken(c, 4);
    const now = await harness.sandbox.admin.now();
    await expect(handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: reposOn(stack.aws.kms) }))).rejects.toMatchObject({
      code: "sync.token_unreadable",
    });
    await setStoredRefreshToken(c, good);
    // Act
    const cleared = await harness.repos.connections.clearTokenFault(c.userId, c.connectionId, now.toISOString());
    const dueAfterClear = await isDue(c, now);
    await handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: reposOn(stack.aws.kms) }));
    // Assess
    expect(cleared).toMatchObject({ fault: "record" });
    expect(dueAfterClear).toBe(true);
    const after = await stored(c);
    expect(after.tokenFault).toBeUndefined();
    expect(after.lastSyncAt).toBe(now.toISOString());
  });
});

describe("KMS refusing our own key (a configuration fault every connection meets)", () => {
  it("parks nobody and dead-letters nothing: the job is done, the connection stays active and is tried again after 15 min, 30 min, then hourly", async () => {
    // Prepare
    const c = await harness.connect();
    const now = await harness.sandbox.admin.now();
    const misconfigured = reposOn(otherRegionKms());
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    // Act: three runs in a row meet the fault, each at the time the last one asked for
    const retries: string[] = [];
    let when = now;
    for (let run = 0; run < 3; run++) {
      await handleSyncJob({ body: body(c) }, harness.syncDeps(when, { repos: misconfigured }));
      const after = await stored(c);
      retries.push(after.nextSyncAt as string);
      when = new Date(after.nextSyncAt as string);
    }
    // Assess: random 0.5 puts 2.5 of the 5 minutes' jitter on each wait
    expect(retries).toEqual([at(15 + 2.5), at(15 + 2.5 + 30 + 2.5), at(15 + 2.5 + 30 + 2.5 + 60 + 2.5)].map((d) => d.toISOString()));
    const after = await stored(c);
    expect(after.status).toBe("active");
    expect(after.tokenFault).toMatchObject({ fault: "key", code: "crypto.key_refused", attempts: 3, since: now.toISOString() });
    expect(after.tokenFault?.reason).toContain("NotFoundException");
    expect(after.leaseOwner).toBeUndefined();
    expect(await isDue(c, new Date(retries[2] as string))).toBe(true);
  });

  it("a refresh is not asked for while our key refuses to seal: the pair TrueLayer would rotate cannot be lost", async () => {
    // Prepare: the access token expires within the refresh margin; the worker's key id names no key
    // (what names its own key still opens: only sealing is refused)
    const c = await harness.connect({ tokenTtlMs: 60_000 });
    const now = await harness.sandbox.admin.now();
    const wrongKey = createRepositories(harness.db, createFieldEncryptor({ kms: stack.aws.kms, keyId: "alias/expenzez-no-such-key" }));
    const tokenCalls = async () => (await harness.sandbox.admin.requests()).filter((r) => r.path.includes("/connect/token")).length;
    const before = await tokenCalls();
    // Act
    await handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: wrongKey }));
    const refreshesWhileRefused = (await tokenCalls()) - before;
    const faulted = await stored(c);
    await handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: reposOn(stack.aws.kms) }));
    // Assess: no refresh was asked for; the fault was our key's; the fixed worker refreshed and synced
    expect(refreshesWhileRefused).toBe(0);
    expect(faulted.tokenFault).toMatchObject({ fault: "key", code: "crypto.key_refused" });
    expect(faulted.status).toBe("active");
    const after = await stored(c);
    expect(after.status).toBe("active");
    expect(after.tokenFault).toBeUndefined();
    expect(after.lastSyncAt).toBe(now.toISOString());
    expect(after.refreshToken).not.toBe(faulted.refreshToken);
  });

  it("once the configuration is fixed, the next run syncs and the fault is gone", async () => {
    // Prepare
    const c = await harness.connect();
    const now = await harness.sandbox.admin.now();
    await handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: reposOn(otherRegionKms()) }));
    expect((await stored(c)).tokenFault).toMatchObject({ fault: "key" });
    // Act
    await handleSyncJob({ body: body(c) }, harness.syncDeps(now, { repos: reposOn(stack.aws.kms) }));
    // Assess
    const after = await stored(c);
    expect(after.tokenFault).toBeUndefined();
    expect(after.lastSyncAt).toBe(now.toISOString());
  });
});
