import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { keys } from "@expenzez/db";
import type { LocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { createTrueLayerClient, InvalidGrantError, type TrueLayerClient } from "@expenzez/truelayer";
import { type RunningSandbox, startSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectConnection, type OpsContext, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

// Needs the local AWS emulator (vitest global setup) and runs the TrueLayer simulator in-process.

let stack: LocalStack;
let ctx: OpsContext;
let sandbox: RunningSandbox;
let truelayer: TrueLayerClient;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
  sandbox = await startSandbox({ seed: "ops-disconnect", now: new Date() });
  truelayer = createTrueLayerClient({
    authBaseUrl: sandbox.authUrl,
    dataBaseUrl: sandbox.dataUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    maxRetries: 0,
    logger: createLogger("test", { level: "silent" }),
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

/** A simulator user and their connection stored with its real tokens, due in the schedule. */
async function connected(userId: string, connectionId: string, tokenExpiresAt?: string) {
  const sim = await sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: 10 });
  await sealingRepos(stack, ctx).connections.putNew(
    aConnection(userId, connectionId, {
      accessToken: sim.tokens.access_token,
      refreshToken: sim.tokens.refresh_token,
      tokenExpiresAt: tokenExpiresAt ?? new Date(Date.now() + sim.tokens.expires_in * 1000).toISOString(),
      nextSyncAt: new Date(Date.now() - 60_000).toISOString(),
    }),
  );
  return sim;
}

const raw = async (userId: string, connectionId: string) =>
  (await ctx.db.doc.send(new GetCommand({ TableName: ctx.db.tableName, Key: keys.connection(userId, connectionId), ConsistentRead: true }))).Item;

describe("connection disconnect", () => {
  it("revokes the consent at TrueLayer, deletes the stored tokens and drops the connection from the schedule", async () => {
    const sim = await connected("u-dc", "c-dc");
    expect((await ctx.repos.connections.listAllDue(new Date().toISOString())).map((d) => d.connectionId)).toContain("c-dc");

    const run = captureIo(ctx);
    expect(
      await runCli(["connection", "disconnect", "--user", "u-dc", "--connection", "c-dc", "--yes", "--json"], { ...run.io, truelayer: () => truelayer }),
    ).toBe(0);

    expect(JSON.parse(run.out.join(""))).toEqual({ userId: "u-dc", connectionId: "c-dc", trueLayer: "revoked", disconnected: true });
    // At TrueLayer: the DELETE went out with the user's token and the consent is gone.
    const deletes = (await sandbox.admin.requests()).filter((r) => r.path === "/api/delete");
    expect(deletes.map((r) => [r.method, r.status, r.user_id])).toEqual([["DELETE", 200, sim.user_id]]);
    await expect(truelayer.refreshToken(sim.tokens.refresh_token as string)).rejects.toBeInstanceOf(InvalidGrantError);
    // Here: revoked, no token (not even sealed), not in GSI4.
    const item = await raw("u-dc", "c-dc");
    expect(item).toMatchObject({ status: "revoked", version: 2 });
    for (const gone of ["accessToken", "refreshToken", "nextSyncAt", "GSI4PK", "GSI4SK"]) expect(item).not.toHaveProperty(gone);
    expect((await ctx.repos.connections.listAllDue(new Date().toISOString())).map((d) => d.connectionId)).not.toContain("c-dc");
    expect(await ctx.repos.connections.peek("u-dc", "c-dc")).toMatchObject({ status: "revoked" });
  });

  it("refreshes an expired access token first, and a second disconnect is a no-op", async () => {
    await connected("u-exp", "c-exp", new Date(Date.now() - 1000).toISOString());
    expect(await disconnectConnection(ctx, truelayer, { userId: "u-exp", connectionId: "c-exp" })).toMatchObject({ trueLayer: "revoked" });
    expect(await disconnectConnection(ctx, truelayer, { userId: "u-exp", connectionId: "c-exp" })).toMatchObject({
      trueLayer: "already_revoked",
      disconnected: true,
    });
    expect((await sandbox.admin.requests()).filter((r) => r.path === "/api/delete" && r.status === 200)).toHaveLength(2);
  });

  it("changes nothing here when TrueLayer cannot be reached, and refuses without --yes", async () => {
    await connected("u-down", "c-down");
    const unreachable = createTrueLayerClient({
      authBaseUrl: "http://127.0.0.1:9",
      dataBaseUrl: "http://127.0.0.1:9",
      clientId: "x",
      clientSecret: "y",
      maxRetries: 0,
    });
    const run = captureIo(ctx);
    expect(await runCli(["connection", "disconnect", "--user", "u-down", "--connection", "c-down", "--yes"], { ...run.io, truelayer: () => unreachable })).toBe(
      1,
    );
    expect(run.err.join("")).toContain("ops.disconnect.truelayer_failed");
    expect(await raw("u-down", "c-down")).toMatchObject({ status: "active", GSI4PK: expect.any(String), accessToken: expect.any(String) });
    expect(await runCli(["connection", "disconnect", "--user", "u-down", "--connection", "c-down"], captureIo(ctx).io)).toBe(2);
  });
});
