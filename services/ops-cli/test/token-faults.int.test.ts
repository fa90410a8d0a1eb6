import { bankConnectionEntity, getEntity, keys, type StoredBankConnection, type TokenFault } from "@expenzez/db";
import type { LocalStack } from "@expenzez/infra";
import { beforeAll, describe, expect, it } from "vitest";
import { collectStatus, type OpsContext, runCli } from "../src/index";
import { aConnection, captureIo, freshStack, sealingRepos } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
});

const at = "2026-12-01T12:00:00.000Z";

/** Stores a connection and records `fault` on it as the sync worker does (ADR 0073). */
async function withFault(userId: string, connectionId: string, fault: TokenFault["fault"]): Promise<void> {
  const repos = sealingRepos(stack, ctx);
  await repos.connections.putNew(aConnection(userId, connectionId));
  const stored = (await getEntity(ctx.db, bankConnectionEntity, keys.connection(userId, connectionId))) as StoredBankConnection;
  const code = fault === "record" ? "crypto.decrypt_failed" : "crypto.key_refused";
  await repos.connections.recordTokenFault(
    stored,
    { fault, code, reason: `${code}: refused`, since: at, at, attempts: 2 },
    at,
    fault === "key" ? "2026-12-01T13:00:00.000Z" : undefined,
  );
}

describe("connection token-faults, clear-token-fault", () => {
  it("lists the connections whose tokens could not be opened, by fault, and status counts them", async () => {
    // Prepare
    await withFault("tf-u1", "tf-c1", "record");
    await withFault("tf-u2", "tf-c2", "key");
    await sealingRepos(stack, ctx).connections.putNew(aConnection("tf-u2", "tf-fine"));
    // Act
    const all = captureIo(ctx);
    const one = captureIo(ctx);
    const human = captureIo(ctx);
    expect(await runCli(["connection", "token-faults", "--json"], all.io)).toBe(0);
    expect(await runCli(["connection", "token-faults", "--user", "tf-u2", "--json"], one.io)).toBe(0);
    expect(await runCli(["connection", "token-faults"], human.io)).toBe(0);
    const status = await collectStatus(ctx);
    // Assess
    const rows = JSON.parse(all.out.join(""));
    expect(rows.map((r: { connectionId: string; tokenFault: TokenFault }) => [r.connectionId, r.tokenFault.fault])).toEqual([
      ["tf-c1", "record"],
      ["tf-c2", "key"],
    ]);
    expect(JSON.parse(one.out.join(""))).toEqual([
      expect.objectContaining({ userId: "tf-u2", connectionId: "tf-c2", status: "active", nextSyncAt: "2026-12-01T13:00:00.000Z" }),
    ]);
    expect(human.out.join("")).toMatch(/tf-c1[\s\S]*record[\s\S]*parked/);
    expect(JSON.stringify(rows)).not.toContain("PLAINTEXT");
    expect(status.connections.tokenFaults).toEqual({ record: 1, key: 1 });
  });

  it("clear-token-fault forgets the fault and makes the connection due now; a connection without one is an error", async () => {
    // Prepare
    await withFault("tf-u3", "tf-c3", "record");
    const before = await ctx.repos.connections.listAllDue("2030-01-01T00:00:00.000Z");
    // Act
    const cleared = captureIo(ctx);
    const again = captureIo(ctx);
    expect(await runCli(["connection", "clear-token-fault", "--user", "tf-u3", "--connection", "tf-c3", "--json"], cleared.io)).toBe(0);
    const code = await runCli(["connection", "clear-token-fault", "--user", "tf-u3", "--connection", "tf-c3"], again.io);
    // Assess
    const r = JSON.parse(cleared.out.join(""));
    expect(r).toMatchObject({ userId: "tf-u3", connectionId: "tf-c3", cleared: { fault: "record" } });
    expect(before.some((d) => d.connectionId === "tf-c3")).toBe(false);
    const due = await ctx.repos.connections.listAllDue(new Date().toISOString());
    expect(due.find((d) => d.connectionId === "tf-c3")?.nextSyncAt).toBe(r.dueAt);
    expect((await getEntity(ctx.db, bankConnectionEntity, keys.connection("tf-u3", "tf-c3")))?.tokenFault).toBeUndefined();
    expect(code).toBe(1);
    expect(again.err.join("")).toContain("ops.token_fault.none");
  });
});
