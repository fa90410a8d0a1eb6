import { spawnSync } from "node:child_process";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli";

const LINES = [
  JSON.stringify({
    description: "CARD PAYMENT TO TESCO STORES 3297 ON 12 MAR",
    amount: -12.5,
    currency: "GBP",
    transaction_type: "DEBIT",
    transaction_category: "PURCHASE",
  }),
  "{not json",
  JSON.stringify({ description: 42 }),
  "",
  JSON.stringify({ description: "", amount: -0, extra: "kept" }),
  JSON.stringify([1, 2]),
];

function collect(stream: PassThrough): () => string {
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  return () => text;
}

describe("runCli", () => {
  it("adds category and merchant to each line, reports malformed ones by line number and carries on", async () => {
    // Prepare
    const out = new PassThrough();
    const err = new PassThrough();
    const stdout = collect(out);
    const stderr = collect(err);
    // Act
    const code = await runCli(Readable.from([`${LINES.join("\n")}\n`]), out, err);
    // Assess
    const written = stdout()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(written).toHaveLength(2);
    expect(written[0]).toMatchObject({
      description: "CARD PAYMENT TO TESCO STORES 3297 ON 12 MAR",
      category: { primary: "groceries", reason: "merchant" },
      merchant: { name: "Tesco" },
    });
    expect(Object.keys(written[0].category).sort()).toEqual(["askUser", "band", "confidence", "primary", "reason", "secondary"]);
    expect(written[0].category).toMatchObject({ band: "very_high", askUser: false });
    // Nothing known: low confidence, and the app is told to ask the user.
    expect(written[1]).toMatchObject({ extra: "kept", category: { primary: "other", band: "low", askUser: true } });
    expect(stderr()).toMatch(/line 2: not JSON/);
    expect(stderr()).toMatch(/line 3: not a transaction \(description:/);
    expect(stderr()).toMatch(/line 6: not a transaction/);
    expect(code).toBe(2);
  });

  it("reads a file saved with a byte-order mark (Excel, Notepad) from its first line", async () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const stdout = collect(out);
    const stderr = collect(err);
    const code = await runCli(Readable.from([`\uFEFF${LINES[0]}\n`]), out, err);
    expect(stderr()).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout())).toMatchObject({ category: { primary: "groceries" } });
  });
});

describe("the categorise bin", () => {
  it("runs as a process: stdin JSON lines to stdout, errors to stderr", () => {
    const bin = fileURLToPath(new URL("../bin/categorise.mjs", import.meta.url));
    const input = [
      JSON.stringify({
        description: "TFR TO A/C 1",
        amount: -100,
        transaction_type: "DEBIT",
        transaction_category: "TRANSFER",
        account_id: "a",
        timestamp: "2026-01-01T10:00:00Z",
      }),
      JSON.stringify({
        description: "TFR FROM A/C 2",
        amount: 100,
        transaction_type: "CREDIT",
        transaction_category: "TRANSFER",
        account_id: "b",
        timestamp: "2026-01-01T11:00:00Z",
      }),
      "oops",
    ].join("\n");
    const run = spawnSync(process.execPath, [bin, "--accounts", "a,b"], { input, encoding: "utf8", timeout: 30_000 });
    const out = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(out.map((o) => o.category.reason)).toEqual(["own_transfer", "own_transfer"]);
    expect(run.stderr).toMatch(/line 3: not JSON/);
    expect(run.status).toBe(2);
    // A child process on a busy machine: the spawn's own 30 s limit, not vitest's 5 s.
  }, 30_000);

  it("exits 1 with a message on a bad argument", () => {
    const bin = fileURLToPath(new URL("../bin/categorise.mjs", import.meta.url));
    const run = spawnSync(process.execPath, [bin, "--nope"], { input: "", encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/unknown argument --nope/);
  }, 30_000);
});
