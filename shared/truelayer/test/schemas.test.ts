import { describe, expect, it, onTestFinished } from "vitest";
import { balanceSchema, cardBalanceSchema, resultsOf, tokenResponseSchema, toUtcIso, transactionSchema } from "../src/schemas";

const base = {
  transaction_id: "t1",
  normalised_provider_transaction_id: "txn-1",
  timestamp: "2025-03-01T10:00:00+01:00",
  description: "TESCO STORES 1234",
  amount: -12.34,
  currency: "GBP",
  transaction_type: "DEBIT",
  transaction_category: "PURCHASE",
  transaction_classification: ["Shopping", "Groceries"],
};

describe("tolerant parsing of TrueLayer's quirks", () => {
  it("accepts amounts as strings and keeps them exact", () => {
    const t = transactionSchema.parse({ ...base, amount: "-0.10" });
    expect(t).toMatchObject({ amount: -0.1, amount_minor: -10, signed_amount_minor: -10 });
  });

  it("takes the direction from transaction_type, not the sign", () => {
    expect(transactionSchema.parse({ ...base, amount: 24.25 }).signed_amount_minor).toBe(-2425);
    expect(transactionSchema.parse({ ...base, amount: -5, transaction_type: "CREDIT" }).signed_amount_minor).toBe(500);
  });

  it("turns missing or null classification and category into defaults", () => {
    const { transaction_classification: _c, transaction_category: _k, ...rest } = base;
    expect(transactionSchema.parse(rest)).toMatchObject({ transaction_classification: [], transaction_category: "UNKNOWN" });
    expect(transactionSchema.parse({ ...base, transaction_classification: null }).transaction_classification).toEqual([]);
  });

  it("accepts an envelope without status and keeps unknown fields", () => {
    const parsed = resultsOf(transactionSchema).parse({ results: [{ ...base, new_field: 1 }] });
    expect(parsed.status).toBeUndefined();
    expect(parsed.results[0]).toMatchObject({ new_field: 1 });
  });

  it("normalises timestamps to UTC, reading ones without an offset as UTC", () => {
    expect(toUtcIso("2018-03-06T00:00:00")).toBe("2018-03-06T00:00:00.000Z");
    expect(toUtcIso("2025-03-01T10:00:00+01:00")).toBe("2025-03-01T09:00:00.000Z");
    expect(toUtcIso("2017-02-247T17:29:24Z")).toBeUndefined();
  });

  it("reads a space-separated date-time without an offset as UTC too, whatever the machine's zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "Europe/London";
    onTestFinished(() => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    });
    expect(toUtcIso("2025-06-01 10:00:00")).toBe("2025-06-01T10:00:00.000Z");
    expect(toUtcIso("2025-06-01T10:00:00")).toBe("2025-06-01T10:00:00.000Z");
  });

  it("reads balances given as numbers or strings, in exact pence", () => {
    expect(balanceSchema.parse({ currency: "GBP", current: "1161.20", available: 2150.8 })).toMatchObject({ current_minor: 116120, available_minor: 215080 });
    expect(cardBalanceSchema.parse({ currency: "GBP", current: 20, available: "3279.00" })).toMatchObject({ available: 3279, available_minor: 327900 });
  });

  it("reads expires_in given as a string", () => {
    expect(tokenResponseSchema.parse({ access_token: "a", expires_in: "3600", token_type: "Bearer" }).expires_in).toBe(3600);
  });
});

describe("strict about what the sync relies on", () => {
  it.each([
    ["a missing transaction_id", { transaction_id: undefined }],
    ["an empty transaction_id", { transaction_id: "" }],
    ["a non-numeric amount", { amount: "12,34" }],
    ["a missing amount", { amount: undefined }],
    ["a lower-case currency", { currency: "gbp" }],
    ["an unparseable timestamp", { timestamp: "yesterday" }],
    ["an unknown transaction_type", { transaction_type: "REFUND" }],
    // Beyond exact pence in a JS number: a schema issue, not a MoneyError thrown out of parsing.
    ["an amount too large for exact pence (string)", { amount: "99999999999999999999" }],
    ["an amount too large for exact pence (number)", { amount: 1e300 }],
  ])("rejects %s", (_, patch) => {
    expect(transactionSchema.safeParse({ ...base, ...patch }).success).toBe(false);
  });
});
