import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseArgs, runCli } from "../src/cli";
import { monthly } from "./history";

async function run(lines: string[], asOf?: string) {
  const input = PassThrough.from(lines.join("\n"));
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c) => (stdout += c));
  err.on("data", (c) => (stderr += c));
  const code = await runCli(input, out, err, { asOf });
  return { code, stdout, stderr };
}

const line = (date: string, i: number) =>
  JSON.stringify({
    transaction_id: `tx-${i}`,
    timestamp: `${date}T00:00:00+00:00`,
    description: `SPOTIFY P${i}X${i}`,
    amount: -11.99,
    currency: "GBP",
    transaction_type: "DEBIT",
  });

describe("detect-recurring CLI", () => {
  it("writes the streams of TrueLayer-shaped lines with their member transaction ids", async () => {
    const { code, stdout, stderr } = await run(monthly("2024-01", 27, 4).map(line), "2024-05-01");
    expect(code).toBe(0);
    expect(stderr).toBe("");
    const { streams } = JSON.parse(stdout);
    expect(streams).toMatchObject([
      {
        merchant: "Spotify",
        frequency: "monthly",
        status: "mature",
        direction: "debit",
        average_amount_minor: 1199,
        average_amount: 11.99,
        next_expected: "2024-05-27",
        transaction_ids: ["tx-0", "tx-1", "tx-2", "tx-3"],
      },
    ]);
  });

  it("reports malformed lines with their line numbers, skips them and exits 2", async () => {
    const lines = monthly("2024-01", 27, 3).map(line);
    lines.splice(1, 0, "{not json");
    lines.push(JSON.stringify({ transaction_id: "x", timestamp: "yesterday", description: "A", amount: -1, currency: "GBP", transaction_type: "DEBIT" }));
    const { code, stdout, stderr } = await run(lines, "2024-04-01");
    expect(code).toBe(2);
    expect(stderr).toMatch(/^line 2: not JSON/m);
    expect(stderr).toMatch(/^line 5: not a transaction \(timestamp: not an ISO date/m);
    expect(JSON.parse(stdout).streams).toHaveLength(1);
  });

  it("refuses an --as-of that is not a date", () => {
    expect(() => parseArgs(["--as-of", "2024-02-30"])).toThrow(/--as-of must be a date/);
    expect(parseArgs(["--as-of", "2024-02-29"])).toEqual({ asOf: "2024-02-29" });
  });
});
