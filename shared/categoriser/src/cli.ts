import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import { confidenceBand } from "./bands";
import { createCategoriser } from "./categorise";
import { InvalidInputError } from "./errors";
import { type CategoryRule, CategoryRuleSchema } from "./rules";

const text = z.string().nullish();
/** One input line: a TrueLayer transaction. Extra fields pass through untouched. */
export const InputLineSchema = z.looseObject({
  description: text,
  amount: z.union([z.number(), z.string()]).nullish(),
  currency: text,
  transaction_type: text,
  transaction_category: text,
  transaction_classification: z.array(z.string()).nullish(),
  merchant_name: text,
  meta: z.record(z.string(), z.unknown()).nullish(),
  accountId: text,
  account_id: text,
  timestamp: text,
  transactionId: text,
  transaction_id: text,
});

export interface CliOptions {
  /** The user's own account ids: enables transfer pairing across the whole input. */
  ownAccounts?: string[];
  rules?: CategoryRule[];
}

const USAGE = "usage: categorise [--accounts id1,id2] [--rules rules.json] < in.jsonl > out.jsonl";

/** Parses `--accounts a,b` and `--rules file.json` (a JSON array of CategoryRules). */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === "--accounts" && value) {
      options.ownAccounts = value.split(",").filter((a) => a !== "");
      i++;
    } else if (flag === "--rules" && value) {
      const parsed = z.array(CategoryRuleSchema).safeParse(JSON.parse(readFileSync(value, "utf8")));
      if (!parsed.success)
        throw new InvalidInputError(
          `bad rules file ${value}`,
          parsed.error.issues.map((x) => x.message),
        );
      options.rules = parsed.data;
      i++;
    } else if (flag === "--help" || flag === "-h") {
      throw new InvalidInputError(USAGE);
    } else {
      throw new InvalidInputError(`unknown argument ${flag}\n${USAGE}`);
    }
  }
  return options;
}

/**
 * Reads JSON lines of TrueLayer transactions, writes each back with `category` and `merchant`
 * added. Malformed lines are reported on `errors` with their line number and skipped.
 * Resolves to the exit code: 0, or 2 when some lines were malformed.
 *
 * @example await runCli(process.stdin, process.stdout, process.stderr, { ownAccounts: ["a", "b"] })
 */
export async function runCli(input: Readable, output: Writable, errors: Writable, options: CliOptions = {}): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  let malformed = 0;
  let lineNo = 0;
  for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    // Editors on Windows start a UTF-8 file with a byte-order mark; it is not part of the JSON.
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      malformed++;
      errors.write(`line ${lineNo}: not JSON (${(error as Error).message})\n`);
      continue;
    }
    const parsed = InputLineSchema.safeParse(json);
    if (!parsed.success) {
      malformed++;
      const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "line"}: ${i.message}`).join("; ");
      errors.write(`line ${lineNo}: not a transaction (${issues})\n`);
      continue;
    }
    rows.push(parsed.data);
  }
  // All lines at once: transfers between own accounts can pair across the whole file.
  const txs = rows.map((r) => ({
    ...r,
    accountId: (r.accountId ?? r.account_id ?? undefined) as string | undefined,
    transactionId: (r.transactionId ?? r.transaction_id ?? undefined) as string | undefined,
  }));
  const results = createCategoriser({ ownAccounts: options.ownAccounts, rules: options.rules }).categoriseBatch(txs);
  for (let i = 0; i < rows.length; i++) {
    const { category, merchant } = results[i]!;
    // The documented line shape: primary, secondary, confidence, band, askUser, reason.
    const { primary, secondary, confidence, reason } = category;
    // Band and ask-the-user flag: what an app shows and whether it asks for confirmation.
    const { band, askUser } = confidenceBand(confidence);
    if (!output.write(`${JSON.stringify({ ...rows[i], category: { primary, secondary, confidence, band, askUser, reason }, merchant })}\n`)) {
      await new Promise((resolve) => output.once("drain", resolve));
    }
  }
  if (malformed > 0) errors.write(`${malformed} malformed line(s) skipped, ${rows.length} categorised\n`);
  return malformed > 0 ? 2 : 0;
}
