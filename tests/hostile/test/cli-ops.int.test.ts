import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createOpsContext, type OpsContext, runCli } from "@expenzez/ops";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { hostileText } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// The ops CLI in-process against a real stack on the emulator with one user seeded. Hostile
// argument lists that name no existing user or connection must end in 0, 1 or 2 with a message
// and leave the table exactly as it was (read in full after each case): a refused or pointless
// command writes nothing, not part of something. `backfill` is left out: without `--user` it
// checkpoints every connection, which is what it is for.

const SEEDED = { userId: "u-seeded", connectionId: "conn-seeded" };

const WORDS = [
  "dlq",
  "list",
  "inspect",
  "redrive",
  "status",
  "resync",
  "outbox",
  "replay",
  "budgets",
  "recalc",
  "connection",
  "disconnect",
  "account",
  "forget",
  "user",
  "export",
  "erase",
  "syncJobs",
  "budgetRecalc",
  "--json",
  "--dry-run",
  "--yes",
  "--user",
  "--connection",
  "--account",
  "--budget",
  "--queue",
  "--limit",
  "--max",
  "--",
  "0",
  "-1",
  "u-missing",
  "conn-missing",
  "USER#u-seeded",
  "u-seeded#",
  "*",
];

let stack: LocalStack;
let ctx: OpsContext;

beforeAll(async () => {
  await resetForFile();
  const endpoint = emulatorEndpoint();
  stack = await provisionLocalStack(endpoint);
  ctx = createOpsContext({ STAGE: "local", AWS_REGION: "eu-west-2", AWS_ENDPOINT_URL: endpoint, LOG_LEVEL: "silent" });
  const repos = createRepositories(ctx.db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.def.key.alias }));
  const at = "2026-11-20T12:00:00.000Z";
  await repos.connections.putNew({
    ...SEEDED,
    providerId: "mock",
    status: "active",
    accessToken: "at-seeded",
    refreshToken: "rt-seeded",
    tokenExpiresAt: at,
    consentExpiresAt: "2027-02-01T00:00:00.000Z",
    nextSyncAt: at,
    createdAt: at,
    updatedAt: at,
  });
});

/** Every item of the table, as one comparable text. */
async function table(): Promise<string> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.aws.doc.send(new ScanCommand({ TableName: stack.handles.tableName, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items.map((i) => JSON.stringify(i)).sort());
}

describe("ops CLI arguments against a real stack", () => {
  it("a hostile argument list naming no existing user ends in 0, 1 or 2 with a message and leaves the table as it was", async ({ task }) => {
    const before = await table();
    const argv = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: hostileText }), { maxLength: 7 });
    await check(
      task,
      "cli-ops-table",
      fc.asyncProperty(
        argv.filter((a) => !a.includes(SEEDED.userId) && !a.includes(SEEDED.connectionId)),
        async (args) => {
          const out: string[] = [];
          const err: string[] = [];
          const code = await runCli(args, { context: () => ctx, out: (t) => void out.push(t), err: (t) => void err.push(t) });
          expect([0, 1, 2], err.join("")).toContain(code);
          if (code !== 0) expect(err.join("").length, `exit ${code} says why`).toBeGreaterThan(0);
          expect(await table(), `${JSON.stringify(args)} wrote to the table`).toBe(before);
        },
      ),
      runs(200),
    );
  });
});
