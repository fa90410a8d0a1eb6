import { parseSyncJob } from "@expenzez/events";
import type { LocalStack } from "@expenzez/infra";
import { receiveAll } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OpsContext, resync, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
  const repos = sealingRepos(stack, ctx);
  await repos.connections.putNew(aConnection("u-r", "c-1"));
  await repos.connections.putNew(aConnection("u-r", "c-2"));
  await repos.connections.putNew(aConnection("u-r", "c-3", { status: "revoked", nextSyncAt: undefined }));
  await repos.connections.putNew(aConnection("u-other", "c-9"));
});

const jobs = async () =>
  (await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true })).map((m) => {
    const parsed = parseSyncJob(m.Body ?? "");
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.job;
  });

beforeEach(async () => {
  await jobs();
});

describe("resync", () => {
  it("queues one valid unattended job per active connection of the user and skips the revoked one", async () => {
    const r = await resync(ctx, { userId: "u-r" });

    const queued = await jobs();
    expect(queued.map((j) => j.connectionId).sort()).toEqual(["c-1", "c-2"]);
    expect(queued.every((j) => j.userId === "u-r" && j.reason === "scheduled")).toBe(true);
    expect(r.skipped).toEqual([{ userId: "u-r", connectionId: "c-3", status: "revoked" }]);
  });

  it("finds one connection by its id alone", async () => {
    const run = captureIo(ctx);
    expect(await runCli(["resync", "--connection", "c-9", "--json"], run.io)).toBe(0);
    expect((await jobs()).map((j) => [j.userId, j.connectionId])).toEqual([["u-other", "c-9"]]);
  });

  it("fails with exit 1 on an unknown connection and 2 without a target, queueing nothing", async () => {
    const missing = captureIo(ctx);
    expect(await runCli(["resync", "--connection", "nope"], missing.io)).toBe(1);
    expect(missing.err.join("")).toContain("ops.resync.not_found");
    expect(await runCli(["resync"], captureIo(ctx).io)).toBe(2);
    expect(await jobs()).toEqual([]);
  });
});
