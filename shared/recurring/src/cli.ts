import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fromMinor, toMinor } from "@expenzez/money";
import { z } from "zod";
import { dayOf } from "./dates";
import { detectStreams } from "./detect";
import { InvalidInputError } from "./errors";
import type { DetectedStream, RecurringInput } from "./types";

const text = z.string().nullish();
/** One input line: a TrueLayer-shaped transaction. */
export const InputLineSchema = z.looseObject({
  transaction_id: z.string().min(1),
  timestamp: z.string().refine((t) => safeDay(t), "not an ISO date or date-time"),
  description: z.string(),
  amount: z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]),
  currency: z.string().regex(/^[A-Z]{3}$/),
  transaction_type: z.string().min(1),
  transaction_category: text,
  merchant_name: text,
  normalised_provider_transaction_id: text,
});
export type InputLine = z.output<typeof InputLineSchema>;

export interface CliOptions {
  asOf?: string;
}

const USAGE = "usage: detect-recurring [--as-of YYYY-MM-DD] < history.jsonl > streams.json";

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === "--as-of" && argv[i + 1] !== undefined) {
      const value = argv[++i]!;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !safeDay(value)) throw new InvalidInputError(`--as-of must be a date (YYYY-MM-DD), got ${value}`);
      options.asOf = value;
    } else if (flag === "--help" || flag === "-h") throw new InvalidInputError(USAGE);
    else throw new InvalidInputError(`unknown argument ${flag}\n${USAGE}`);
  }
  return options;
}

/**
 * Reads JSON lines of TrueLayer transactions and writes `{"streams": [...]}`. Malformed lines
 * are reported on `errors` as `line N: …` and skipped. Resolves to the exit code: 0, or 2 when
 * some lines were malformed.
 *
 * @example await runCli(process.stdin, process.stdout, process.stderr, { asOf: "2024-06-30" })
 */
export async function runCli(input: Readable, output: Writable, errors: Writable, options: CliOptions = {}): Promise<number> {
  const transactions: RecurringInput[] = [];
  let malformed = 0;
  let lineNo = 0;
  for await (const raw of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++;
    const line = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line.trim() === "") continue;
    const result = readLine(line);
    if (typeof result === "string") {
      malformed++;
      errors.write(`line ${lineNo}: ${result}\n`);
    } else transactions.push(result);
  }
  const streams = detectStreams(transactions, { asOf: options.asOf });
  output.write(`${JSON.stringify({ streams: streams.map(toOutput) }, null, 2)}\n`);
  if (malformed > 0) errors.write(`${malformed} malformed line(s) skipped, ${transactions.length} read\n`);
  return malformed > 0 ? 2 : 0;
}

/** The transaction of one line, or why it is not one. */
function readLine(line: string): RecurringInput | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return `not JSON (${(error as Error).message})`;
  }
  const parsed = InputLineSchema.safeParse(json);
  if (!parsed.success) return `not a transaction (${parsed.error.issues.map((i) => `${i.path.join(".") || "line"}: ${i.message}`).join("; ")})`;
  const t = parsed.data;
  let minor: number;
  try {
    minor = toMinor(t.amount, t.currency);
  } catch (error) {
    return `bad amount (${(error as Error).message})`;
  }
  // TrueLayer signs debits negative; some exports sign by transaction_type only.
  const type = t.transaction_type.toUpperCase();
  const signed = type === "DEBIT" ? -Math.abs(minor) : type === "CREDIT" ? Math.abs(minor) : minor;
  return {
    id: t.transaction_id,
    timestamp: t.timestamp,
    amountMinor: signed,
    currency: t.currency,
    description: t.description,
    merchantName: t.merchant_name ?? undefined,
  };
}

/** The documented output shape: snake_case like the input, amounts in pence and as decimals. */
function toOutput(s: DetectedStream) {
  return {
    stream_id: s.streamId,
    merchant: s.merchant,
    direction: s.direction,
    frequency: s.frequency,
    status: s.status,
    amount_kind: s.amountKind,
    currency: s.currency,
    average_amount_minor: s.averageAmountMinor,
    average_amount: fromMinor(s.averageAmountMinor, s.currency),
    last_amount_minor: s.lastAmountMinor,
    last_amount: fromMinor(s.lastAmountMinor, s.currency),
    first_date: s.firstDate,
    last_date: s.lastDate,
    next_expected: s.nextExpected,
    next_expected_window: s.window,
    occurrences: s.occurrences,
    confidence: s.confidence,
    ...(s.priceChange
      ? {
          price_change: {
            previous_amount_minor: s.priceChange.previousAmountMinor,
            new_amount_minor: s.priceChange.newAmountMinor,
            transaction_id: s.priceChange.transactionId,
            date: s.priceChange.date,
          },
        }
      : {}),
    transaction_ids: s.transactionIds,
  };
}

function safeDay(value: string): boolean {
  try {
    dayOf(value);
    return true;
  } catch {
    return false;
  }
}
