import { describe, expect, it } from "vitest";
import { createContractValidator } from "../src/contract";
import { getData, postToken, results, sandboxForFile } from "./helpers";

/**
 * Every simulator response — each path, each scenario — validated against the schemas of
 * TrueLayer's own OpenAPI files (../shared/data/truelayer), $refs resolved.
 */
const contract = createContractValidator();
const sandbox = await sandboxForFile({ config: { sign_webhooks: false } });
const created = await sandbox.admin.createUser({ user_id: "contract", history_days: 400, scenario: { unattended_limit: null } });
const token = created.tokens.access_token;
const bank = created.accounts.filter((a) => a.kind !== "card").map((a) => a.account_id);
const cards = created.accounts.filter((a) => a.kind === "card").map((a) => a.account_id);

async function expectConforms(path: string, template: string, status: number, accessToken = token, psuIp?: string) {
  const served = await getData(sandbox, path, accessToken, psuIp);
  expect(served.status, JSON.stringify(served.body)).toBe(status);
  expect(contract.check("data-api-v1", "get", template, status, served.body)).toBeUndefined();
  expect(served.headers.get("x-tl-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  return served;
}

describe("contract: successful responses", () => {
  it.each([
    ["/me", "/me"],
    ["/info", "/info"],
    ["/accounts", "/accounts"],
    ["/cards", "/cards"],
  ])("GET %s", async (path, template) => {
    const served = await expectConforms(path, template, 200);
    expect(results(served).length).toBeGreaterThan(0);
  });

  it.each(["", "/balance", "/transactions?from=2024-06-01&to=2025-06-15", "/transactions/pending", "/standing_orders", "/direct_debits"])(
    "GET /accounts/{id}%s for every account",
    async (sub) => {
      for (const id of bank) await expectConforms(`/accounts/${id}${sub}`, `/accounts/{account_id}${sub.split("?")[0]}`, 200);
    },
  );

  it.each(["", "/balance", "/transactions?from=2024-06-01&to=2025-06-15", "/transactions/pending"])("GET /cards/{id}%s", async (sub) => {
    for (const id of cards) await expectConforms(`/cards/${id}${sub}`, `/cards/{account_id}${sub.split("?")[0]}`, 200);
  });

  it("pending lists with items conform (generated ones may happen to be empty at this hour)", async () => {
    for (const [id, family] of [
      [bank[0]!, "accounts"],
      [cards[0]!, "cards"],
    ] as const) {
      await sandbox.admin.addTransaction("contract", { account_id: id, description: "SQ *DISHOOM LONDON", amount: "40.00", tip: "4.00", pending_hours: 48 });
      const served = await expectConforms(`/${family}/${id}/transactions/pending`, `/${family}/{account_id}/transactions/pending`, 200);
      expect(results(served).some((t) => t.description === "SQ *DISHOOM LONDON")).toBe(true);
    }
  });

  it("a year of transactions is non-trivial and well-formed", async () => {
    const served = await expectConforms(`/accounts/${bank[0]}/transactions?from=2024-06-16&to=2025-06-15`, "/accounts/{account_id}/transactions", 200);
    expect(results(served).length).toBeGreaterThan(400);
  });

  it("async: 202 with results_uri, and the results themselves", async () => {
    const served = await expectConforms(`/accounts/${bank[0]}/balance?async=true`, "/accounts/{account_id}/balance", 202);
    const { results_uri } = served.body as { results_uri: string };
    const res = await fetch(results_uri, { headers: { Authorization: `Bearer ${token}` } });
    expect(contract.check("data-api-v1", "get", "/accounts/{account_id}/balance", 200, await res.json())).toBeUndefined();
  });
});

describe("contract: failure scenarios", () => {
  it("401 for a missing and for an expired token", async () => {
    const missing = await fetch(`${sandbox.dataUrl}/accounts`);
    expect(contract.check("data-api-v1", "get", "/accounts", 401, await missing.json())).toBeUndefined();
    const user = await sandbox.admin.createUser({ scenario: { access_token_ttl_seconds: 1 } });
    await sandbox.admin.advanceClock({ seconds: 5 });
    const expired = await expectConforms("/accounts", "/accounts", 401, user.tokens.access_token);
    expect(expired.body).toMatchObject({ error: "invalid_token" });
  });

  it("400 validation_error and invalid_date_range", async () => {
    const bad = await expectConforms(`/accounts/${bank[0]}/transactions?from=yesterday`, "/accounts/{account_id}/transactions", 400);
    expect(bad.body).toMatchObject({ error: "validation_error" });
    const reversed = await expectConforms(`/accounts/${bank[0]}/transactions?from=2025-06-10&to=2025-06-01`, "/accounts/{account_id}/transactions", 400);
    expect(reversed.body).toMatchObject({ error: "invalid_date_range" });
  });

  it("403 access_denied (consent revoked) and sca_exceeded (old history, user absent)", async () => {
    const revoked = await sandbox.admin.createUser({ scenario: { consent: "revoked" } });
    const denied = await expectConforms("/accounts", "/accounts", 403, revoked.tokens.access_token);
    expect(denied.body).toMatchObject({ error: "access_denied" });
    const late = await sandbox.admin.createUser({ scenario: { sca_window_minutes: 0, unattended_limit: null } });
    const id = late.accounts[0]!.account_id;
    const sca = await expectConforms(`/accounts/${id}/transactions?from=2024-01-01`, "/accounts/{account_id}/transactions", 403, late.tokens.access_token);
    expect(sca.body).toMatchObject({ error: "sca_exceeded" });
  });

  it("404 account_not_found, including a card id on the accounts path", async () => {
    await expectConforms("/accounts/nope/balance", "/accounts/{account_id}/balance", 404);
    const served = await expectConforms(`/accounts/${cards[0]}`, "/accounts/{account_id}", 404);
    expect(served.body).toMatchObject({ error: "account_not_found" });
  });

  it("429 provider_request_limit_exceeded after four unattended calls", async () => {
    const user = await sandbox.admin.createUser({});
    for (let i = 0; i < 4; i++) await expectConforms("/accounts", "/accounts", 200, user.tokens.access_token);
    const limited = await expectConforms("/accounts", "/accounts", 429, user.tokens.access_token);
    expect(limited.body).toMatchObject({ error: "provider_request_limit_exceeded" });
  });

  it.each([
    ["provider_too_many_requests", 429],
    ["internal_server_error", 500],
    ["endpoint_not_supported", 501],
    ["provider_error", 503],
    ["connector_overload", 503],
    ["temporarily_unavailable", 503],
    ["connector_timeout", 504],
    ["provider_timeout", 504],
  ])("error.%s users fail every data call with %i", async (code, status) => {
    const tokens = await sandbox.admin.authorise(`error.${code}`);
    const served = await expectConforms("/accounts", "/accounts", status, tokens.access_token);
    expect(served.body).toMatchObject({ error: code });
    await expectConforms("/cards/x/transactions", "/cards/{account_id}/transactions", status, tokens.access_token);
  });
});

describe("contract: scenario error rules", () => {
  it.each([
    [401, "unauthorized", "/accounts", "/accounts"],
    [403, "access_denied", "/cards", "/cards"],
    [404, "account_not_found", `/accounts/${bank[0]}/balance`, "/accounts/{account_id}/balance"],
    [429, "provider_too_many_requests", `/cards/${cards[0]}/transactions/pending`, "/cards/{account_id}/transactions/pending"],
    [503, "provider_error", `/accounts/${bank[0]}/direct_debits`, "/accounts/{account_id}/direct_debits"],
  ])("%i %s on demand", async (status, error, path, template) => {
    const user = await sandbox.admin.createUser({ scenario: { unattended_limit: null, errors: [{ status, error, retry_after: 1 }] } });
    const served = await expectConforms(path, template, status, user.tokens.access_token);
    expect(served.body).toMatchObject({ error });
    expect(served.headers.get("retry-after")).toBe("1");
  });

  it("async 202 on card transactions, and the results conform", async () => {
    const served = await expectConforms(`/cards/${cards[0]}/transactions?async=true`, "/cards/{account_id}/transactions", 202);
    const res = await fetch((served.body as { results_uri: string }).results_uri, { headers: { Authorization: `Bearer ${token}` } });
    expect(contract.check("data-api-v1", "get", "/cards/{account_id}/transactions", 200, await res.json())).toBeUndefined();
  });
});

describe("contract: token endpoint (auth API)", () => {
  it("200 for a refresh and an authorization code, 400 invalid_grant for a used refresh token", async () => {
    const user = await sandbox.admin.createUser({});
    const refreshed = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    expect(refreshed.status).toBe(200);
    expect(contract.check("auth-api", "post", "/connect/token", 200, refreshed.body)).toBeUndefined();
    const reused = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ error: "invalid_grant" });
    expect(contract.check("auth-api", "post", "/connect/token", 400, reused.body)).toBeUndefined();
    const code = await postToken(sandbox, { grant_type: "authorization_code", code: "john", redirect_uri: "http://localhost/cb" });
    expect(contract.check("auth-api", "post", "/connect/token", 200, code.body)).toBeUndefined();
  });

  it.each([
    ["unauthorized_client", { grant_type: "refresh_token", refresh_token: "x", client_secret: "wrong" }],
    ["invalid_request", { grant_type: "password" }],
    ["invalid_request", { grant_type: "refresh_token" }],
  ])("400 %s conforms", async (error, form) => {
    const served = await postToken(sandbox, form);
    expect(served).toMatchObject({ status: 400, body: { error } });
    expect(contract.check("auth-api", "post", "/connect/token", 400, served.body)).toBeUndefined();
  });

  it("the validator itself rejects a body that breaks the schema", () => {
    expect(contract.check("data-api-v1", "get", "/accounts/{account_id}/balance", 200, { results: [{ currency: "XXX" }] })).toMatch(/currency|current/);
  });
});
