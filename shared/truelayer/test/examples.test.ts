import { createContractValidator } from "@expenzez/truelayer-sandbox/contract";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { errorFromResponse, TrueLayerError } from "../src/errors";
import {
  accountSchema,
  asyncResponseSchema,
  balanceSchema,
  batchResultsSchema,
  cardBalanceSchema,
  cardSchema,
  directDebitSchema,
  errorBodySchema,
  extendConnectionResponseSchema,
  infoSchema,
  meSchema,
  resultsOf,
  standingOrderSchema,
  tokenResponseSchema,
  transactionSchema,
} from "../src/schemas";

/** The client's parser for each documented success response. */
const SUCCESS: Record<string, z.ZodType> = {
  "get /me": resultsOf(meSchema),
  "get /info": resultsOf(infoSchema),
  "get /accounts": resultsOf(accountSchema),
  "get /accounts/{account_id}": resultsOf(accountSchema),
  "get /accounts/{account_id}/balance": resultsOf(balanceSchema),
  "get /accounts/{account_id}/transactions": resultsOf(transactionSchema),
  "get /accounts/{account_id}/transactions/pending": resultsOf(transactionSchema),
  "get /accounts/{account_id}/standing_orders": resultsOf(standingOrderSchema),
  "get /accounts/{account_id}/direct_debits": resultsOf(directDebitSchema),
  "get /cards": resultsOf(cardSchema),
  "get /cards/{account_id}": resultsOf(cardSchema),
  "get /cards/{account_id}/balance": resultsOf(cardBalanceSchema),
  "get /cards/{account_id}/transactions": resultsOf(transactionSchema),
  "get /cards/{account_id}/transactions/pending": resultsOf(transactionSchema),
  "get /batch/results": batchResultsSchema,
  "post /connections/extend": extendConnectionResponseSchema,
  "post /connect/token": tokenResponseSchema,
};

const contract = createContractValidator();
// The whole Data API file, and the auth file's token endpoint (the only auth call the client makes).
const examples = [...contract.examples("data-api-v1"), ...contract.examples("auth-api").filter((e) => e.path === "/connect/token")];

describe("every example response in TrueLayer's OpenAPI files", () => {
  it("covers every documented response of the Data API file", () => {
    expect(examples.length).toBeGreaterThan(250);
    const successes = new Set(examples.filter((e) => e.status.startsWith("2") && e.status !== "202").map((e) => `${e.method} ${e.path}`));
    expect([...successes].sort()).toEqual(Object.keys(SUCCESS).sort());
  });

  it.each(examples.map((e) => [`${e.api} ${e.method.toUpperCase()} ${e.path} ${e.status} ${e.name}`, e] as const))("parses %s", (_, example) => {
    const status = Number(example.status);
    if (status === 202) {
      expect(asyncResponseSchema.parse(example.value)).toMatchObject({ status: "Queued" });
    } else if (status < 300) {
      const schema = SUCCESS[`${example.method} ${example.path}`]!;
      expect(schema.safeParse(example.value).error).toBeUndefined();
    } else {
      // Errors: the body parses and maps to a typed error of the right class.
      const body = errorBodySchema.parse(example.value);
      const error = errorFromResponse({ status, error: body.error, description: body.error_description });
      expect(error).toBeInstanceOf(TrueLayerError);
      if (body.error && !["unauthorized", "invalid_token", "invalid_request", "unauthorized_client", "not_found"].includes(body.error)) {
        expect(error.code).toBe(`truelayer.${body.error}`);
      }
    }
  });

  it("derives exact pence and direction from the examples' quirks", () => {
    const card = examples.find((e) => e.path === "/cards/{account_id}/transactions" && e.status === "200")!;
    const [sainsburys] = resultsOf(transactionSchema).parse(card.value).results;
    // A card DEBIT arrives positive; the direction comes from transaction_type.
    expect(sainsburys).toMatchObject({ amount: 24.25, amount_minor: 2425, signed_amount_minor: -2425, timestamp_utc: "2018-01-16T00:00:00.000Z" });
    const au = examples.find((e) => e.name === "accountTransactionsAUExample")!;
    // No classification at all in the AU example: an empty list.
    expect(resultsOf(transactionSchema).parse(au.value).results[0]!.transaction_classification).toEqual([]);
    const orders = examples.find((e) => e.path === "/accounts/{account_id}/standing_orders" && e.status === "200")!;
    expect(resultsOf(standingOrderSchema).parse(orders.value).results[0]!.next_payment_amount_minor).toBe(50000);
  });
});
