import {
  accountSchema,
  asyncResponseSchema,
  balanceSchema,
  cardBalanceSchema,
  cardSchema,
  directDebitSchema,
  extendConnectionResponseSchema,
  meSchema,
  resultsOf,
  standingOrderSchema,
  tokenResponseSchema,
  transactionSchema,
} from "@expenzez/truelayer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { hostileJson, mutated } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// What the bank (through TrueLayer) may send, almost right: every schema either refuses it with
// a zod error or yields values the sync can store (exact pence, a parseable UTC instant).

const transaction = fc.record({
  transaction_id: fc.constantFrom("tx-1", "tx-2"),
  normalised_provider_transaction_id: fc.constant("np-1"),
  timestamp: fc.constantFrom("2026-11-20T10:00:00+00:00", "2026-11-20", "2026-11-20 10:00", "2026-11-20T10:00:00.123"),
  description: fc.constant("TESCO STORES 1234"),
  amount: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom("12.34", "-0.5", "+7", "0007.10")),
  currency: fc.constantFrom("GBP", "EUR", "JPY", "BHD", "USD"),
  transaction_type: fc.constantFrom("DEBIT", "CREDIT"),
  transaction_category: fc.constant("PURCHASE"),
  transaction_classification: fc.constant(["Shopping", "Groceries"]),
  merchant_name: fc.constant("Tesco"),
  running_balance: fc.constant({ amount: "100.00", currency: "GBP" }),
  meta: fc.constant({ provider_category: "POS" }),
});
const balance = fc.record({
  currency: fc.constantFrom("GBP", "JPY"),
  current: fc.constantFrom(10.5, "-3.20"),
  available: fc.constant(12),
  overdraft: fc.constant(null),
});
const cardBalance = fc.record({ currency: fc.constant("GBP"), current: fc.constant(-120.5), credit_limit: fc.constant("3000"), payment_due: fc.constant(25) });
const account = fc.record({
  account_id: fc.constant("acc-1"),
  currency: fc.constant("GBP"),
  display_name: fc.constant("Current"),
  provider: fc.constant({ provider_id: "ob-x" }),
});
const card = fc.record({ account_id: fc.constant("card-1"), currency: fc.constant("GBP"), card_network: fc.constant("VISA") });
const token = fc.record({ access_token: fc.constant("a"), refresh_token: fc.constant("r"), expires_in: fc.constant(3600), token_type: fc.constant("Bearer") });
const standing = fc.record({
  frequency: fc.constant("EvryMnth"),
  timestamp: fc.constant("2026-11-01"),
  currency: fc.constant("GBP"),
  next_payment_amount: fc.constant("50.00"),
});
const directDebit = fc.record({ direct_debit_id: fc.constant("dd-1"), timestamp: fc.constant("2026-11-01"), name: fc.constant("Gym") });

const cases: { name: string; schema: z.ZodType; valid: fc.Arbitrary<unknown>; n: number }[] = [
  { name: "transaction", schema: transactionSchema, valid: transaction, n: 1500 },
  { name: "transaction results", schema: resultsOf(transactionSchema), valid: fc.array(transaction, { maxLength: 3 }).map((results) => ({ results })), n: 300 },
  { name: "balance", schema: balanceSchema, valid: balance, n: 300 },
  { name: "card balance", schema: cardBalanceSchema, valid: cardBalance, n: 200 },
  { name: "account", schema: accountSchema, valid: account, n: 150 },
  { name: "card", schema: cardSchema, valid: card, n: 100 },
  { name: "token response", schema: tokenResponseSchema, valid: token, n: 150 },
  { name: "standing order", schema: standingOrderSchema, valid: standing, n: 100 },
  { name: "direct debit", schema: directDebitSchema, valid: directDebit, n: 100 },
  { name: "me", schema: meSchema, valid: fc.constant({ credentials_id: "c", scopes: ["info"] }), n: 50 },
  { name: "async response", schema: asyncResponseSchema, valid: fc.constant({ task_id: "t", status: "Queued", results_uri: "https://x.test/r" }), n: 50 },
  { name: "extend connection", schema: extendConnectionResponseSchema, valid: fc.constant({ action_needed: false }), n: 50 },
];

/** Every minor-unit field the schemas derive is a safe integer. */
function expectExactMinor(value: unknown) {
  if (value === null || typeof value !== "object") return;
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith("_minor") && v !== undefined) expect(Number.isSafeInteger(v), `${key}=${String(v)}`).toBe(true);
    else if (typeof v === "object") expectExactMinor(v);
  }
}

describe.each(cases)("TrueLayer $name schema with hostile bodies", ({ name, schema, valid, n }) => {
  it(`${name}: refuses with a zod error (never throws) or yields exact pence and a UTC instant`, async ({ task }) => {
    await check(
      task,
      "truelayer-schemas",
      fc.property(fc.oneof({ weight: 4, arbitrary: mutated(valid) }, { weight: 1, arbitrary: valid }, { weight: 1, arbitrary: hostileJson }), (body) => {
        const parsed = schema.safeParse(body);
        if (!parsed.success) return;
        expectExactMinor(parsed.data);
        const t = parsed.data as { transaction_type?: string; signed_amount_minor?: number; timestamp_utc?: string };
        if (t.timestamp_utc !== undefined) expect(Number.isNaN(Date.parse(t.timestamp_utc))).toBe(false);
        if (t.signed_amount_minor !== undefined && t.signed_amount_minor !== 0) expect(t.signed_amount_minor < 0).toBe(t.transaction_type === "DEBIT");
      }),
      runs(n),
    );
  });
});
