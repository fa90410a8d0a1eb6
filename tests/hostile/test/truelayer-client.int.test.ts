import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@expenzez/logger";
import { createTrueLayerClient, type TrueLayerClient, TrueLayerError } from "@expenzez/truelayer";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileJson, hostileText } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// The TrueLayer client against a loopback server that answers each call with a generated
// status, headers and body (no emulator needed): every call resolves or throws a TrueLayerError
// with a code; nothing else escapes, however the bank's answer is broken.

type Answer = { status: number; headers: Record<string, string>; body: string };
let next: Answer = { status: 200, headers: {}, body: "{}" };
let server: Server;
let client: TrueLayerClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      try {
        res.writeHead(next.status, next.headers);
      } catch {
        res.writeHead(next.status);
      }
      res.end(next.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = createTrueLayerClient({
    authBaseUrl: base,
    dataBaseUrl: `${base}/data/v1`,
    clientId: "c",
    clientSecret: "s",
    maxRetries: 1,
    timeoutMs: 2000,
    logger: createLogger("hostile", { level: "silent" }),
    sleep: async () => {},
  });
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const validAccounts = { results: [{ account_id: "acc-1", currency: "GBP", display_name: "Current" }] };
const validTransactions = {
  results: [{ transaction_id: "t-1", timestamp: "2026-11-20T10:00:00Z", description: "TESCO", amount: -1.5, currency: "GBP", transaction_type: "DEBIT" }],
};
const validToken = { access_token: "a", refresh_token: "r", expires_in: 3600, token_type: "Bearer" };

const answer = fc.record({
  status: fc.oneof(fc.constantFrom(200, 200, 200, 400, 401, 403, 404, 429, 500, 501, 502, 503, 504), fc.integer({ min: 200, max: 599 })),
  headers: fc.dictionary(
    fc.constantFrom("content-type", "retry-after", "x-ratelimit-reset", "tl-correlation-id"),
    fc.oneof(
      fc.constantFrom("application/json", "text/html", "-1", "0", "99999999", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"),
      hostileText.map((t) => t.replace(/[^\x20-\x7e]/g, "")),
    ),
    { maxKeys: 3 },
  ),
  body: fc.oneof(
    hostileText,
    hostileJson.map((j) => JSON.stringify(j) ?? ""),
    fc.constantFrom(JSON.stringify(validAccounts), JSON.stringify(validTransactions), JSON.stringify(validToken)),
    fc.constantFrom(
      JSON.stringify({ error: "invalid_grant" }),
      JSON.stringify({ error: "sca_exceeded", error_description: "x" }),
      "<html>bad gateway</html>",
      '{"results":',
    ),
  ),
});

const calls = fc.constantFrom("accounts", "transactions", "pending", "balance", "refresh", "list") as fc.Arbitrary<string>;
const ctx = { accessToken: "at", connectionId: "conn-1" };

describe("TrueLayer client with hostile responses", () => {
  it("every call resolves or throws a TrueLayerError with a code, whatever status, headers and body come back", async ({ task }) => {
    await check(
      task,
      "truelayer-client",
      fc.asyncProperty(answer, calls, async (a, call) => {
        next = a;
        const run = () => {
          if (call === "accounts") return client.getAccounts(ctx);
          if (call === "transactions") return client.getTransactions(ctx, "acc-1", { from: "2026-11-01", to: "2026-11-20" });
          if (call === "pending") return client.getPendingTransactions(ctx, "acc-1");
          if (call === "balance") return client.getBalance(ctx, "acc-1");
          if (call === "refresh") return client.refreshToken("rt", { connectionId: "conn-1" });
          return client.listTransactions(ctx, { kind: "account", accountId: "acc-1", range: { from: "2026-11-01", to: "2026-11-20" } });
        };
        try {
          await run();
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(TrueLayerError);
          expect((err as TrueLayerError).code).toMatch(/^truelayer\./);
        }
      }),
      runs(600),
    );
  });
});
