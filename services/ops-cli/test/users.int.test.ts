import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "@expenzez/db";
import { buildEvent } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { outboxItem } from "@expenzez/runtime";
import { beforeAll, describe, expect, it } from "vitest";
import { eraseUser, exportUser, type OpsContext, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;
let env: Record<string, string>;

// The neighbour's id starts with the erased one's: erasure must not touch it.
const GONE = "user-7f3";
const KEPT = "user-7f30";

beforeAll(async () => {
  ({ stack, ctx, env } = await freshStack());
  const repos = sealingRepos(stack, ctx);
  for (const userId of [GONE, KEPT]) {
    await repos.profiles.putNew({ userId, email: `${userId}@example.com`, createdAt: "2026-11-01T00:00:00Z", updatedAt: "2026-11-01T00:00:00Z" });
    await repos.connections.putNew(aConnection(userId, `conn-${userId}`));
    const put = (Item: Record<string, unknown>) => ctx.db.doc.send(new PutCommand({ TableName: ctx.db.tableName, Item }));
    await put({ ...keys.transaction(userId, "txn-1"), userId, amountMinor: -1250 });
    await put({ ...keys.budget(userId, "groceries"), userId, limitMinor: 20_000 });
    const event = buildEvent("ConnectionSyncFailed", {
      userId,
      connectionId: `conn-${userId}`,
      errorCode: "truelayer.provider_error",
      retryable: true,
      attempts: 3,
    });
    await put(outboxItem(event).item);
    await put({
      ...keys.idempotency("alert-dispatch", `evt-${userId}`),
      consumer: "alert-dispatch",
      key: `evt-${userId}`,
      status: "completed",
      result: JSON.stringify({ userId, sent: 1 }),
    });
  }
  // A backfill checkpoint: one step for each user's connection, and a header aimed at GONE alone.
  const at = "2026-11-01T00:00:00Z";
  for (const userId of [GONE, KEPT]) {
    await ctx.repos.backfills.markQueued({
      backfillId: "bf-all",
      userId,
      connectionId: `conn-${userId}`,
      jobId: `bf-all-${userId}`,
      queuedAt: at,
      expiresAt: 1_900_000_000,
    });
  }
  await ctx.repos.backfills.putRun({
    backfillId: "bf-all",
    from: "2026-10-01",
    attended: false,
    status: "done",
    total: 2,
    queued: 2,
    createdAt: at,
    updatedAt: at,
    expiresAt: 1_900_000_000,
  });
  await ctx.repos.backfills.putRun({
    backfillId: "bf-gone",
    from: "2026-10-01",
    userId: GONE,
    attended: false,
    status: "done",
    total: 1,
    queued: 0,
    createdAt: at,
    updatedAt: at,
    expiresAt: 1_900_000_000,
  });
  // An idempotency record that names the user only in its key.
  await ctx.db.doc.send(
    new PutCommand({ TableName: ctx.db.tableName, Item: { ...keys.idempotency("webhook", GONE), consumer: "webhook", key: GONE, status: "completed" } }),
  );
});

async function scanTable(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.doc.send(new ScanCommand({ TableName: ctx.db.tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

// An independent test of "names the user": the id as a whole token anywhere in the item.
const mentions = (item: unknown, userId: string) => new RegExp(`${userId}(?![0-9a-z])`).test(JSON.stringify(item));

function runBin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = fileURLToPath(new URL("../bin/expenzez.mjs", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("user export", () => {
  it("writes every item of the user's partition as JSON with tokens still sealed", async () => {
    const exported = await exportUser(ctx, GONE);
    const sks = exported.items.map((i) => String(i.SK)).sort();
    expect(sks).toEqual(["BANK#conn-user-7f3", "BUDGET#groceries", "PROFILE", "TRANSACTION#txn-1"]);
    const text = JSON.stringify(exported);
    expect(text).not.toContain("at_PLAINTEXT_");
    expect(text).not.toContain("rt_PLAINTEXT_");
    expect(exported.items.find((i) => i.SK === "BANK#conn-user-7f3")?.accessToken).toBeTruthy();
  });

  it("is JSON from the bin itself, exit 0; a missing --user exits non-zero with a message", async () => {
    const ok = await runBin(["user", "export", "--user", KEPT]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).items).toHaveLength(4);
    const bad = await runBin(["user", "export"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--user");
  });
});

describe("user erase", () => {
  it("with --dry-run counts and deletes nothing", async () => {
    const before = (await scanTable()).length;
    const r = await eraseUser(ctx, GONE, { dryRun: true });
    expect(r).toEqual({ userId: GONE, dryRun: true, userItems: 4, outbox: 1, idempotency: 2, checkpoints: 2 });
    expect((await scanTable()).length).toBe(before);
  });

  it("removes every item naming the user (partition, outbox, idempotency) and leaves the neighbour whole", async () => {
    const keptBefore = (await scanTable()).filter((i) => mentions(i, KEPT)).length;

    const run = captureIo(ctx);
    expect(await runCli(["user", "erase", "--user", GONE, "--yes", "--json"], run.io)).toBe(0);

    expect(JSON.parse(run.out.join(""))).toMatchObject({ userItems: 4, outbox: 1, idempotency: 2, checkpoints: 2 });
    const after = await scanTable();
    expect(after.filter((i) => mentions(i, GONE))).toEqual([]);
    expect(after.filter((i) => mentions(i, KEPT))).toHaveLength(keptBefore);
    expect(keptBefore).toBe(7);
    // The shared checkpoint's header names nobody: it stays.
    expect(await ctx.repos.backfills.getRun("bf-all")).toBeDefined();
    // A second erase finds nothing: erasure is repeatable.
    expect(await eraseUser(ctx, GONE)).toMatchObject({ userItems: 0, outbox: 0, idempotency: 0, checkpoints: 0 });
  });
});
