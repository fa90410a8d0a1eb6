import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError } from "@expenzez/config";
import { runCli } from "@expenzez/ops";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileJson, hostileText, mutated } from "../src/arbitraries";
import { check, record, runs } from "../src/cases";

// CLI input lines and arguments. Each bin is spawned once with a few thousand generated lines
// (a process per case would cost seconds each on a loaded machine); the ops CLI runs in-process.

const root = join(import.meta.dirname, "..", "..", "..");
const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029\u0085]/g, " ");

const tlTransaction = fc.record({
  transaction_id: fc.constantFrom("t-1", "t-2", "t-3"),
  timestamp: fc.constantFrom("2026-10-01T09:00:00Z", "2026-11-01", "2026-11-20T10:00:00+01:00"),
  description: fc.constantFrom("NETFLIX.COM", "TESCO STORES 1234", "TFL TRAVEL CH"),
  amount: fc.constantFrom(-10.99, "-45.20", 2500),
  currency: fc.constant("GBP"),
  transaction_type: fc.constantFrom("DEBIT", "CREDIT"),
  transaction_category: fc.constant("PURCHASE"),
  merchant_name: fc.constantFrom("Netflix", "Tesco"),
  account_id: fc.constant("acc-1"),
});

const line = fc.oneof(
  { weight: 1, arbitrary: hostileText.map(oneLine) },
  { weight: 1, arbitrary: hostileJson.map((j) => oneLine(JSON.stringify(j) ?? "")) },
  { weight: 3, arbitrary: mutated(tlTransaction).map((j) => oneLine(JSON.stringify(j) ?? "")) },
  { weight: 2, arbitrary: tlTransaction.map((j) => JSON.stringify(j)) },
);

function runBin(bin: string, lines: string[], args: string[] = []) {
  return spawnSync(process.execPath, [join(root, bin), ...args], {
    input: `${lines.join("\n")}\n`,
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Every non-blank line is either an output or reported once as `line N: …`; no stack trace, exit 0 or 2. */
function expectEveryLineAccountedFor(lines: string[], result: ReturnType<typeof runBin>, outputs: number) {
  expect(result.error).toBeUndefined();
  expect(result.stderr).not.toMatch(/\n\s+at /);
  const nonBlank = lines.flatMap((l, i) => (l.replace(/^\uFEFF/, "").trim() === "" ? [] : [i + 1]));
  const reported = [...result.stderr.matchAll(/^line (\d+): /gm)].map((m) => Number(m[1]));
  expect(new Set(reported).size).toBe(reported.length);
  for (const n of reported) expect(nonBlank).toContain(n);
  expect(outputs + reported.length).toBe(nonBlank.length);
  expect(result.status).toBe(reported.length > 0 ? 2 : 0);
}

describe("CLI input lines", () => {
  it("categorise: every hostile line is categorised or reported with its number; the process never crashes", ({ task }) => {
    const lines = fc.sample(line, { numRuns: runs(2000), ...(process.env.HOSTILE_SEED ? { seed: Number(process.env.HOSTILE_SEED) } : {}) });
    const result = runBin("shared/categoriser/bin/categorise.mjs", lines);
    const outputs = result.stdout.split("\n").filter((l) => l !== "");
    for (const out of outputs) expect(JSON.parse(out)).toHaveProperty("category.primary");
    expectEveryLineAccountedFor(lines, result, outputs.length);
    record(task, "cli-categorise", lines.length);
  });

  it("detect-recurring: every hostile line is read or reported with its number; the output is one JSON document", ({ task }) => {
    const lines = fc.sample(line, { numRuns: runs(2000), ...(process.env.HOSTILE_SEED ? { seed: Number(process.env.HOSTILE_SEED) } : {}) });
    const result = runBin("shared/recurring/bin/detect-recurring.mjs", lines, ["--as-of", "2026-11-30"]);
    const doc = JSON.parse(result.stdout) as { streams: unknown[] };
    expect(Array.isArray(doc.streams)).toBe(true);
    const read = Number(/(\d+) read/.exec(result.stderr)?.[1] ?? lines.filter((l) => l.trim() !== "").length);
    expectEveryLineAccountedFor(lines, result, read);
    record(task, "cli-detect-recurring", lines.length);
  });
});

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
  "user",
  "export",
  "erase",
  "syncJobs",
  "--json",
  "--dry-run",
  "--yes",
  "--user",
  "--connection",
  "--budget",
  "--queue",
  "--limit",
  "--max",
  "--help",
  "-h",
  "--",
  "0",
  "-1",
  "1e3",
];

describe("ops CLI arguments", () => {
  it("any argument list ends in exit 0 or 2 with a message, never an unhandled error (no stage configured)", async ({ task }) => {
    const argv = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: hostileText }), { maxLength: 6 });
    await check(
      task,
      "cli-ops",
      fc.asyncProperty(argv, async (args) => {
        const err: string[] = [];
        const code = await runCli(args, {
          context: () => {
            throw new ConfigError("no stage in this test", ["STAGE"]);
          },
          out: () => {},
          err: (t) => void err.push(t),
        });
        expect([0, 2], err.join("")).toContain(code);
      }),
      runs(1500),
    );
  });
});
