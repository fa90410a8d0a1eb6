/**
 * The Plaid sandbox "custom user" histories (synthetic, US): their monthly mortgage, auto and
 * student loan payments, card payments and payroll must come out as monthly streams.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { toMinor } from "@expenzez/money";
import { detectStreams, type RecurringInput } from "@expenzez/recurring";
import { z } from "zod";

const PlaidFile = z.object({
  override_accounts: z.array(
    z.object({
      transactions: z
        .array(z.object({ date_transacted: z.string(), date_posted: z.string().optional(), amount: z.number(), description: z.string(), currency: z.string() }))
        .default([]),
    }),
  ),
});

/**
 * Descriptions that are monthly in each file (by reading the data: 12-13 payments a month
 * apart), and the status they must have at the file's last day. Social Security stops after
 * three payments, two months before the file ends.
 */
const EXPECTED: Record<string, Record<string, "active" | "tombstoned">> = {
  "income_bank_income_basic.json": {
    "Mortgage Payment": "active",
    "Auto Loan Payment": "active",
    "Student Loan Repayment": "active",
    "Discover credit card payment": "active",
    "Plaid Direct Dep": "active",
  },
  "income_welderTestUser.json": {
    "Mortgage Payment": "active",
    "Auto Loan Payment": "active",
    "Student Loan Repayment": "active",
    "Discover credit card payment": "active",
    "Direct Deposit - Excelsior Welding Company": "active",
  },
  "income_SSAuser.json": { "Social Security Administration": "tombstoned" },
};

export function plaidResults(dir = join(import.meta.dirname, "..", "..", "..", "shared", "data", "plaid-sandbox-users")) {
  const files: {
    file: string;
    transactions: number;
    streams: { merchant: string; frequency: string; status: string; description: string }[];
    expected: string[];
    found: string[];
    missing: string[];
  }[] = [];
  if (!existsSync(dir)) return { dir, expected: 0, expectedFound: 0, files };
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const parsed = PlaidFile.safeParse(JSON.parse(readFileSync(join(dir, file), "utf8")));
    if (!parsed.success) continue;
    const inputs: RecurringInput[] = [];
    parsed.data.override_accounts.forEach((a, ai) => {
      a.transactions.forEach((t, ti) => {
        // Plaid signs money out positive; ours is negative.
        inputs.push({
          id: `${ai}-${ti}`,
          timestamp: t.date_transacted,
          amountMinor: -toMinor(t.amount, t.currency),
          currency: t.currency,
          description: t.description,
        });
      });
    });
    const descriptionOf = new Map(inputs.map((t) => [t.id, t.description]));
    const streams = detectStreams(inputs).map((s) => ({
      merchant: s.merchant,
      frequency: s.frequency,
      status: s.status,
      description: descriptionOf.get(s.transactionIds[0]!) ?? "",
    }));
    const wanted = EXPECTED[file] ?? {};
    const expected = Object.keys(wanted);
    const found = expected.filter((d) =>
      streams.some((s) => s.description === d && s.frequency === "monthly" && (s.status === "tombstoned") === (wanted[d] === "tombstoned")),
    );
    files.push({ file, transactions: inputs.length, streams, expected, found, missing: expected.filter((d) => !found.includes(d)) });
  }
  const expectedCount = files.reduce((n, f) => n + f.expected.length, 0);
  return { dir, expected: expectedCount, expectedFound: files.reduce((n, f) => n + f.found.length, 0), files };
}
