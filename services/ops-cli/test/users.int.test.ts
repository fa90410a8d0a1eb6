import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { batchWrite, keys } from "@expenzez/db";
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

describe("user erase of a long history", () => {
  type Item = Record<string, unknown>;
  const keyOf = (i: Item) => `${String(i.PK)}\u0000${String(i.SK)}`;
  const put = (items: Item[]) =>
    batchWrite(
      ctx.db.doc,
      ctx.db.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );

  /** A user's transactions, idempotency records naming them in their result, and backfill steps for them. */
  async function seedHistory(userId: string, counts: { transactions: number; idempotency: number; steps: number }): Promise<Item[]> {
    const items: Item[] = [];
    for (let n = 0; n < counts.transactions; n++)
      items.push({ ...keys.transaction(userId, `txn-${String(n).padStart(5, "0")}`), userId, amountMinor: -100 - n, description: "CARD PAYMENT ".repeat(8) });
    for (let n = 0; n < counts.idempotency; n++)
      items.push({
        ...keys.idempotency("budget-recalc", `evt-${userId}-${n}`),
        consumer: "budget-recalc",
        status: "completed",
        result: JSON.stringify({ userId, n }),
      });
    for (let n = 0; n < counts.steps; n++) items.push({ PK: `BACKFILL#bf-${userId}-${n}`, SK: `STEP#conn-${userId}`, userId, connectionId: `conn-${userId}` });
    await put(items);
    return items;
  }

  /**
   * The context's DynamoDB client, watched: how many of `tracked`'s items have been read and not
   * yet deleted at any point (what erase holds), and the pages read. `failAfterBatches`: every
   * BatchWriteItem after that many fails, as a run cut off midway would.
   */
  function watched(tracked: Item[], failAfterBatches = Number.POSITIVE_INFINITY) {
    const wanted = new Set(tracked.map(keyOf));
    const read = new Set<string>();
    const deleted = new Set<string>();
    const stats = { pages: 0, batches: 0, mostHeld: 0 };
    const doc = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        const name = command.constructor.name;
        if (name === "BatchWriteCommand" && stats.batches >= failAfterBatches) throw new Error("connection reset (the run is cut off)");
        const out = (await ctx.db.doc.send(command as never)) as { Items?: Item[]; UnprocessedItems?: Record<string, { DeleteRequest: { Key: Item } }[]> };
        if (name === "QueryCommand" || name === "ScanCommand") {
          stats.pages++;
          for (const i of out.Items ?? []) if (wanted.has(keyOf(i))) read.add(keyOf(i));
        }
        if (name === "BatchWriteCommand") {
          stats.batches++;
          const requests = (command.input.RequestItems as unknown as Record<string, { DeleteRequest?: { Key: Item } }[]>)[ctx.db.tableName] ?? [];
          const unprocessed = new Set((out.UnprocessedItems?.[ctx.db.tableName] ?? []).map((r) => keyOf(r.DeleteRequest.Key)));
          for (const r of requests) if (r.DeleteRequest && !unprocessed.has(keyOf(r.DeleteRequest.Key))) deleted.add(keyOf(r.DeleteRequest.Key));
        }
        let held = 0;
        for (const k of read) if (!deleted.has(k)) held++;
        stats.mostHeld = Math.max(stats.mostHeld, held);
        return out;
      },
    } as unknown as OpsContext["db"]["doc"];
    return { ctx: { ...ctx, db: { ...ctx.db, doc } } as OpsContext, stats };
  }

  it("deletes each page's items before reading far ahead: it holds a page and a part batch at most, and erases it all", async () => {
    // Prepare: 700 transactions, 300 idempotency records and 120 backfill steps of one user, and another user's
    const LONG = "user-long";
    const seeded = await seedHistory(LONG, { transactions: 700, idempotency: 300, steps: 120 });
    const others = await seedHistory("user-other", { transactions: 50, idempotency: 100, steps: 20 });
    const pageItems = 40;
    const watch = watched(seeded);
    // Act
    const result = await eraseUser(watch.ctx, LONG, { pageItems });
    // Assess: complete, counted, the other user whole, and never more held than a page and a part batch
    expect(result).toEqual({ userId: LONG, dryRun: false, userItems: 700, outbox: 0, idempotency: 300, checkpoints: 120 });
    const after = await scanTable();
    expect(after.filter((i) => mentions(i, LONG))).toEqual([]);
    const left = new Set(after.map(keyOf));
    expect(others.filter((i) => !left.has(keyOf(i)))).toEqual([]);
    expect(watch.stats.mostHeld).toBeLessThanOrEqual(pageItems + 24);
    expect(watch.stats.pages).toBeGreaterThanOrEqual(Math.ceil(700 / pageItems));
    expect(watch.stats.batches).toBeGreaterThanOrEqual(Math.ceil(1120 / 25));
  });

  it("cut off midway, is finished by a second run, which counts what was left", async () => {
    // Prepare
    const CUT = "user-cut";
    const seeded = await seedHistory(CUT, { transactions: 300, idempotency: 100, steps: 0 });
    const cut = watched(seeded, 5);
    // Act: the sixth BatchWriteItem fails; then the operator runs it again
    await expect(eraseUser(cut.ctx, CUT, { pageItems: 50 })).rejects.toThrow(/cut off/);
    const second = await eraseUser(ctx, CUT, { pageItems: 50 });
    // Assess: five batches of 25 went in the first run, the rest in the second, nothing of the user left
    expect(second.userItems + second.idempotency).toBe(400 - 5 * 25);
    expect((await scanTable()).filter((i) => mentions(i, CUT))).toEqual([]);
    expect(await eraseUser(ctx, CUT)).toMatchObject({ userItems: 0, idempotency: 0 });
  });
});
