import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { expect, it } from "vitest";

// Runs the README's first command end to end (small) on the package's emulator and checks its --json summary.

const run = promisify(execFile);

it("runs the whole pipeline for a few users: every connection synced, events announced, no DLQ message, invariants hold", async () => {
  // Prepare
  await resetForFile();
  const json = join(mkdtempSync(join(tmpdir(), "demo-")), "summary.json");
  const root = join(import.meta.dirname, "..", "..");
  // Act
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "scripts/src/demo.ts", "--users", "3", "--days", "30", "--json", json, "--timeout-seconds", "200"],
    {
      cwd: root,
      env: { ...process.env, AWS_ENDPOINT_URL: emulatorEndpoint(), STAGE: "local", LOG_LEVEL: "warn" },
      timeout: 230_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  // Assess
  const out = JSON.parse(readFileSync(json, "utf8"));
  expect(stdout).toContain("demo ok");
  expect(out.summary).toMatchObject({ users: 3, connectionsSynced: 3, drained: true, refreshNow: { status: 202 }, invariants: { ok: true, violations: [] } });
  expect(out.summary.transactions).toBeGreaterThan(30);
  expect(out.summary.accounts).toBeGreaterThanOrEqual(3);
  expect(out.summary.events.TransactionsSynced).toBeGreaterThanOrEqual(3);
  expect(Object.values(out.summary.dlq)).toEqual([0, 0, 0, 0]);
  expect(out.summary.dynamodbRequestsPer1000Transactions).toBeGreaterThan(0);
  // Requests are told apart by the process that sent them (its SDK app id), not lumped together.
  expect(Object.keys(out.summary.requestsByService)).toEqual(expect.arrayContaining(["alert-dispatch", "recurring-detector", "sync-worker", "scheduler"]));
  expect(out.summary.requestsByService["recurring-detector"]["dynamodb:Query"]).toBeGreaterThan(0);
  expect(out).toMatchObject({ endpoint: emulatorEndpoint(), region: "eu-west-2", table: "expenzez-local" });
  expect(out.queues.syncJobs.url).toContain("sync-jobs");
  expect(out.simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
}, 240_000);
