import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { type Db, keys } from "@expenzez/db";
import { provisionLocalStack, TTL_ATTRIBUTE } from "@expenzez/infra";
import { emulatorEndpoint, resetForFile, until } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { DeferMessage, RetryLater, runOnce } from "../src/index";

let db: Db;

beforeAll(async () => {
  await resetForFile();
  const stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
});

describe("runOnce on moto", () => {
  it("runs the work once and replays its result to a duplicate delivery", async () => {
    let runs = 0;
    const work = async () => {
      runs++;
      return { recalculated: 3 };
    };
    const first = await runOnce(db, { consumer: "budget-recalc", key: "evt-1" }, work);
    const second = await runOnce(db, { consumer: "budget-recalc", key: "evt-1" }, work);
    expect(first).toEqual({ result: { recalculated: 3 }, replayed: false });
    expect(second).toEqual({ result: { recalculated: 3 }, replayed: true });
    expect(runs).toBe(1);
  });

  it("keys per consumer: another consumer handles the same event", async () => {
    let runs = 0;
    await runOnce(db, { consumer: "a", key: "evt-2" }, async () => runs++);
    await runOnce(db, { consumer: "b", key: "evt-2" }, async () => runs++);
    expect(runs).toBe(2);
  });

  it("defers a concurrent delivery (no receive spent) until a live run's claim ends", async () => {
    let release!: () => void;
    const running = runOnce(db, { consumer: "c", key: "evt-3", leaseSeconds: 60 }, () => new Promise<string>((r) => (release = () => r("done"))));
    await until(() => release !== undefined, { message: "the first delivery holds the claim" });
    const duplicate = runOnce(db, { consumer: "c", key: "evt-3" }, async () => "twice");
    await expect(duplicate).rejects.toBeInstanceOf(DeferMessage);
    await duplicate.catch((err: RetryLater) => expect(err.delaySeconds).toBeGreaterThan(50));
    release();
    expect((await running).result).toBe("done");
  });

  it("takes over a claim whose run died (lease lapsed)", async () => {
    let started = false;
    const crashed = runOnce(db, { consumer: "d", key: "evt-4", leaseSeconds: 1, now: () => new Date(Date.now() - 10_000) }, () => {
      started = true;
      return new Promise<never>(() => {});
    });
    void crashed;
    await until(() => started, { message: "the crashed run holds its claim" });
    const retry = await runOnce(db, { consumer: "d", key: "evt-4" }, async () => "recovered");
    expect(retry).toEqual({ result: "recovered", replayed: false });
  });

  it("releases the claim when the work fails, so the retry runs at once", async () => {
    await expect(runOnce(db, { consumer: "e", key: "evt-5" }, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await runOnce(db, { consumer: "e", key: "evt-5" }, async () => 42)).toEqual({ result: 42, replayed: false });
  });

  it("a run whose lease lapsed and then fails leaves the claim of the delivery that took over", async () => {
    // Prepare: a slow run whose lease has already lapsed, and a live takeover.
    let failSlow!: () => void;
    const slow = runOnce(
      db,
      { consumer: "g", key: "evt-7", leaseSeconds: 1, now: () => new Date(Date.now() - 10_000) },
      () => new Promise<never>((_, reject) => (failSlow = () => reject(new Error("slow failed")))),
    );
    await until(() => failSlow !== undefined, { message: "the slow run holds its claim" });
    let finishTakeover!: () => void;
    const takeover = runOnce(db, { consumer: "g", key: "evt-7", leaseSeconds: 60 }, () => new Promise<string>((r) => (finishTakeover = () => r("taken over"))));
    await until(() => finishTakeover !== undefined, { message: "the takeover holds the claim" });
    // Act
    failSlow();
    await expect(slow).rejects.toThrow("slow failed");
    const third = runOnce(db, { consumer: "g", key: "evt-7" }, async () => "ran twice");
    // Assess: the takeover still holds its claim, so a third delivery does not run the work in parallel.
    await expect(third).rejects.toBeInstanceOf(RetryLater);
    finishTakeover();
    expect(await takeover).toEqual({ result: "taken over", replayed: false });
  });

  it("a run that completes after its claim was taken over and released still leaves a valid completed record", async () => {
    // Prepare: a slow run whose lease lapsed; a takeover that fails and releases its own claim.
    let finishSlow!: () => void;
    const slow = runOnce(
      db,
      { consumer: "h", key: "evt-8", leaseSeconds: 1, now: () => new Date(Date.now() - 10_000) },
      () => new Promise<string>((r) => (finishSlow = () => r("slow done"))),
    );
    await until(() => finishSlow !== undefined, { message: "the slow run holds its claim" });
    await expect(runOnce(db, { consumer: "h", key: "evt-8" }, async () => Promise.reject(new Error("takeover failed")))).rejects.toThrow("takeover failed");
    // Act
    finishSlow();
    await slow;
    const duplicate = await runOnce(db, { consumer: "h", key: "evt-8" }, async () => "ran twice");
    // Assess: the duplicate replays the slow run's result (no half-written record that fails to parse).
    expect(duplicate).toEqual({ result: "slow done", replayed: true });
    const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.idempotency("h", "evt-8") }))).Item!;
    expect(item).toMatchObject({ consumer: "h", key: "evt-8", status: "completed" });
    expect(item[TTL_ATTRIBUTE]).toBeTypeOf("number");
  });

  it("sets the TTL attribute so records expire (moto never expires them)", async () => {
    const now = new Date("2026-11-25T10:00:00Z");
    await runOnce(db, { consumer: "f", key: "evt-6", ttlSeconds: 3600, now: () => now }, async () => null);
    const item = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.idempotency("f", "evt-6") }))).Item!;
    expect(item[TTL_ATTRIBUTE]).toBe(Math.floor(now.getTime() / 1000) + 3600);
    expect(item.status).toBe("completed");
  });
});
