import { utcDay } from "@expenzez/common";
import { parseSyncJob, type SyncJob } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { receiveAll } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { backfill, backfillIdOf, type OpsContext, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;

const now = new Date();
const daysAgo = (n: number) => utcDay(new Date(now.getTime() - n * 86_400_000));
const FROM = daysAgo(60);

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
  const repos = sealingRepos(stack, ctx);
  for (const c of ["c-1", "c-2", "c-3", "c-4", "c-5"]) await repos.connections.putNew(aConnection("u-bf", c));
  await repos.connections.putNew(aConnection("u-bf", "c-6", { status: "reconnect_required", nextSyncAt: undefined }));
  // Four unattended refreshes already today: PSD2 leaves it nothing for a backfill.
  await repos.connections.putNew(aConnection("u-spent", "c-7", { unattendedRefreshes: { day: utcDay(now), count: 4 } }));
});

const jobs = async (): Promise<SyncJob[]> =>
  (await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true })).map((m) => {
    const parsed = parseSyncJob(m.Body ?? "");
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.job;
  });

beforeEach(async () => {
  await jobs();
});

class Killed extends Error {}

describe("backfill", () => {
  it("killed midway, resumes where it stopped: the connections it queued are not queued again", async () => {
    // The run dies after its third connection (the checkpoint is written after each send).
    await expect(
      backfill(ctx, {
        from: FROM,
        userId: "u-bf",
        onProgress: (p) => {
          if (p.queued === 3) throw new Killed("killed");
        },
      }),
    ).rejects.toBeInstanceOf(Killed);
    const first = await jobs();
    expect(first.map((j) => j.connectionId)).toEqual(["c-1", "c-2", "c-3"]);
    expect(first.every((j) => j.reason === "backfill" && j.backfillFrom === FROM && j.psuIp === undefined)).toBe(true);

    const run = await backfill(ctx, { from: FROM, userId: "u-bf" });

    expect((await jobs()).map((j) => j.connectionId)).toEqual(["c-4", "c-5"]);
    expect(run).toMatchObject({ status: "done", total: 6, alreadyQueued: 3, deferred: [], skipped: [{ connectionId: "c-6", status: "reconnect_required" }] });
    const header = await ctx.repos.backfills.getRun(run.backfillId);
    expect(header).toMatchObject({ status: "done", queued: 5, total: 6, from: FROM });
    expect(header?.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000));

    // A third run has nothing left to queue.
    expect((await backfill(ctx, { from: FROM, userId: "u-bf" })).queuedNow).toEqual([]);
    expect(await jobs()).toEqual([]);
  });

  it("defers a connection whose four unattended refreshes of the day are spent, and queues it when the user is present", async () => {
    const unattended = await backfill(ctx, { from: FROM, connectionId: "c-7" });
    expect(unattended).toMatchObject({ status: "running", deferred: [{ userId: "u-spent", connectionId: "c-7" }], queuedNow: [] });
    expect(await jobs()).toEqual([]);

    const attended = await backfill(ctx, { from: daysAgo(400), connectionId: "c-7", psuIp: "203.0.113.9" });
    expect(attended.status).toBe("done");
    const [job] = await jobs();
    expect(job).toMatchObject({ connectionId: "c-7", reason: "backfill", psuIp: "203.0.113.9", backfillFrom: daysAgo(400) });
    expect(attended.backfillId).not.toBe(unattended.backfillId);
  });

  it("refuses more than 90 days back without the user present (exit 2), and prints JSON with --json", async () => {
    const refused = captureIo(ctx);
    expect(await runCli(["backfill", "--from", daysAgo(120), "--user", "u-bf"], refused.io)).toBe(2);
    expect(refused.err.join("")).toContain("ops.backfill.user_not_present");
    expect(await runCli(["backfill", "--from", "2026-02-30"], captureIo(ctx).io)).toBe(2);
    expect(await jobs()).toEqual([]);

    const ok = captureIo(ctx);
    expect(await runCli(["backfill", "--from", daysAgo(30), "--connection", "c-2", "--json"], ok.io)).toBe(0);
    const printed = JSON.parse(ok.out.join(""));
    expect(printed).toMatchObject({ backfillId: backfillIdOf({ from: daysAgo(30), connectionId: "c-2" }), status: "done", total: 1 });
    expect((await jobs()).map((j) => [j.userId, j.connectionId, j.correlationId])).toEqual([["u-bf", "c-2", printed.backfillId]]);
  });
});
