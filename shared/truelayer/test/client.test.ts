import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { createLogger } from "@expenzez/logger";
import { until } from "@expenzez/testing";
import { type ScenarioInput, startSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { type CallContext, createTrueLayerClient, type TrueLayerClientOptions } from "../src/client";
import {
  AccessDeniedError,
  AccountNotFoundError,
  EndpointNotSupportedError,
  InvalidClientError,
  InvalidDateRangeError,
  InvalidGrantError,
  NetworkError,
  NonJsonResponseError,
  ProviderRequestLimitExceededError,
  ProviderTooManyRequestsError,
  ProviderUnavailableError,
  RequestTimeoutError,
  ScaExceededError,
  UnauthorizedError,
  UnexpectedResponseError,
} from "../src/errors";

/** Client error handling over loopback HTTP against the simulator's failure scenarios. */
const sandbox = await startSandbox({ seed: "client-tests", now: new Date("2025-06-15T12:00:00Z") });
afterAll(() => sandbox.stop());
const logLines: string[] = [];
const secrets: string[] = [];
let sleeps: number[] = [];
beforeEach(() => {
  sleeps = [];
});

function client(extra: Partial<TrueLayerClientOptions> = {}) {
  return createTrueLayerClient({
    authBaseUrl: sandbox.authUrl,
    dataBaseUrl: sandbox.dataUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    logger: createLogger("truelayer-test", { level: "debug", destination: { write: (l) => logLines.push(l) } }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    timeoutMs: 2000,
    ...extra,
  });
}

/** A fresh simulated user and a call context for it; no 4-a-day limit unless asked. */
async function user(scenario: ScenarioInput = {}) {
  const created = await sandbox.admin.createUser({ scenario: { unattended_limit: null, ...scenario } });
  secrets.push(created.tokens.access_token, created.tokens.refresh_token!);
  const ctx: CallContext = {
    accessToken: created.tokens.access_token,
    connectionId: `conn-${created.user_id}`,
    providerId: "mock",
    correlationId: `sync-${created.user_id}`,
  };
  return { created, ctx, bank: created.accounts[0]!.account_id, card: created.accounts.find((a) => a.kind === "card")!.account_id };
}

describe("happy path", () => {
  it("reads every endpoint the sync needs, with exact pence and direction", async () => {
    // Prepare
    const { ctx, bank, card } = await user();
    const tl = client();
    // Act
    const [me, info, accounts, balance, booked, pending, orders, debits, cards, cardBalance, cardBooked, cardPending] = await Promise.all([
      tl.getMe(ctx),
      tl.getInfo(ctx),
      tl.getAccounts(ctx),
      tl.getBalance(ctx, bank),
      tl.getTransactions(ctx, bank, { from: "2025-05-01", to: "2025-06-15" }),
      tl.getPendingTransactions(ctx, bank),
      tl.getStandingOrders(ctx, bank),
      tl.getDirectDebits(ctx, bank),
      tl.getCards(ctx),
      tl.getCardBalance(ctx, card),
      tl.getCardTransactions(ctx, card, { from: "2025-05-01", to: "2025-06-15" }),
      tl.getCardPendingTransactions(ctx, card),
    ]);
    // Assess
    expect(me.consent_status).toBe("Authorised");
    expect(info.full_name).toBeTruthy();
    expect(accounts.map((a) => a.account_id)).toContain(bank);
    expect(Number.isSafeInteger(balance.current_minor)).toBe(true);
    expect(booked.length).toBeGreaterThan(30);
    for (const t of [...booked, ...pending]) expect(t.signed_amount_minor).toBe(Math.round(t.amount * 100));
    expect(orders[0]!.next_payment_amount_minor).toBeGreaterThan(0);
    expect(debits.length).toBeGreaterThan(0);
    expect(cards[0]!.account_id).toBe(card);
    expect(cardBalance.credit_limit_minor).toBeGreaterThan(0);
    // Card purchases arrive positive but are money out.
    const purchase = cardBooked.find((t) => t.transaction_type === "DEBIT")!;
    expect(purchase.amount).toBeGreaterThan(0);
    expect(purchase.signed_amount_minor).toBe(-purchase.amount_minor);
    expect(Array.isArray(cardPending)).toBe(true);
  });

  it("sends X-Client-Correlation-Id on every call and X-PSU-IP only when the user is present", async () => {
    const { ctx } = await user();
    const tl = client();
    await tl.getAccounts({ ...ctx, correlationId: "corr-absent" });
    await tl.getAccounts({ ...ctx, correlationId: "corr-present", psuIp: "203.0.113.5" });
    await tl.getCards({ ...ctx, correlationId: undefined });
    const seen = await sandbox.admin.requests();
    const absent = seen.find((r) => r.correlation_id === "corr-absent");
    expect(absent?.status).toBe(200);
    expect(absent?.psu_ip).toBeUndefined();
    expect(seen.find((r) => r.correlation_id === "corr-present")).toMatchObject({ psu_ip: "203.0.113.5" });
    expect(seen.filter((r) => r.path === "/data/v1/cards").every((r) => typeof r.correlation_id === "string" && r.correlation_id.length > 0)).toBe(true);
  });
});

describe("a month of syncs", () => {
  it("pending settles under a new id, and balances move by exactly the newly booked pence", async () => {
    // Prepare
    const { created, ctx, bank } = await user();
    const tl = client();
    const start = (await sandbox.admin.now()).toISOString().slice(0, 10);
    const from = new Date(Date.parse(start) - 5 * 86_400_000).toISOString().slice(0, 10);
    const readAt = async (accessToken: string) => {
      const c = { ...ctx, accessToken };
      const today = (await sandbox.admin.now()).toISOString().slice(0, 10);
      return {
        balance: await tl.getBalance(c, bank),
        booked: await tl.getTransactions(c, bank, { from, to: today }),
        pending: await tl.getPendingTransactions(c, bank),
      };
    };
    // Act
    const before = await readAt(created.tokens.access_token);
    await sandbox.admin.advanceClock({ days: 30 });
    const after = await readAt((await sandbox.admin.authorise(created.user_id)).access_token);
    // Assess
    const seen = new Set(before.booked.map((t) => t.normalised_provider_transaction_id));
    const newlyBooked = after.booked.filter((t) => !seen.has(t.normalised_provider_transaction_id));
    const delta = newlyBooked.reduce((sum, t) => sum + t.signed_amount_minor, 0);
    expect(after.balance.current_minor - before.balance.current_minor).toBe(delta);
    const pendingIds = new Set(after.pending.map((t) => t.normalised_provider_transaction_id));
    expect(before.pending.some((t) => pendingIds.has(t.normalised_provider_transaction_id))).toBe(false);
    expect(after.booked.every((t) => t.normalised_provider_transaction_id?.startsWith("txn-"))).toBe(true);
  });
});

describe("tokens", () => {
  it("refreshes with rotation: returns the new refresh token and an expiry", async () => {
    const { created } = await user();
    const before = Date.now();
    const tokens = await client().refreshToken(created.tokens.refresh_token!, { connectionId: "c1" });
    secrets.push(tokens.accessToken, tokens.refreshToken);
    expect(tokens.refreshTokenRotated).toBe(true);
    expect(tokens.refreshToken).not.toBe(created.tokens.refresh_token);
    expect(tokens.expiresIn).toBe(3600);
    expect(tokens.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3_590_000);
  });

  it("exchanges an authorization code for the first token pair", async () => {
    const tokens = await client().exchangeCode("doe", "http://localhost/callback");
    secrets.push(tokens.accessToken, tokens.refreshToken);
    expect(tokens.refreshToken.length).toBeGreaterThan(20);
    expect(tokens.scope).toContain("transactions");
    expect((await client().getMe({ accessToken: tokens.accessToken, connectionId: "doe", psuIp: "203.0.113.5" })).consent_status).toBe("Authorised");
  });

  it("keeps the old refresh token when none comes back", async () => {
    const { created } = await user({ rotate_refresh_token: false });
    const tokens = await client().refreshToken(created.tokens.refresh_token!);
    expect(tokens).toMatchObject({ refreshToken: created.tokens.refresh_token, refreshTokenRotated: false });
  });

  it("invalid_grant when the consent is revoked: needs_reconnect, not retried", async () => {
    const { created } = await user({ consent: "revoked" });
    const err = await client()
      .refreshToken(created.tokens.refresh_token!)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidGrantError);
    expect(err).toMatchObject({ kind: "needs_reconnect", code: "truelayer.invalid_grant", status: 400 });
    expect(sleeps).toEqual([]);
  });

  it("on 401 refreshes the access token once and retries; a second 401 is final", async () => {
    // Prepare
    const { created, ctx } = await user({ access_token_ttl_seconds: 30 });
    await sandbox.admin.advanceClock({ seconds: 31 });
    const tl = client();
    let refreshes = 0;
    const refreshAccessToken = async () => {
      refreshes++;
      const fresh = await tl.refreshToken(created.tokens.refresh_token!);
      secrets.push(fresh.accessToken, fresh.refreshToken);
      return fresh.accessToken;
    };
    // Act
    const accounts = await tl.getAccounts({ ...ctx, refreshAccessToken });
    const stillBad = await tl.getAccounts({ ...ctx, refreshAccessToken: async () => "not-a-token" }).catch((e: unknown) => e);
    const noRefresh = await tl.getAccounts(ctx).catch((e: unknown) => e);
    // Assess
    expect(accounts.length).toBeGreaterThan(0);
    expect(refreshes).toBe(1);
    expect(stillBad).toBeInstanceOf(UnauthorizedError);
    expect(noRefresh).toMatchObject({ kind: "unauthorized", status: 401, error: "invalid_token" });
  });
});

describe("retries", () => {
  it("honours Retry-After in seconds during a 429 storm, then succeeds", async () => {
    const { ctx } = await user({ errors: [{ status: 429, error: "provider_too_many_requests", times: 2, retry_after: 2 }] });
    const accounts = await client().getAccounts(ctx);
    expect(accounts.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([2000, 2000]);
  });

  it("honours Retry-After as an HTTP date", async () => {
    const at = new Date(Date.now() + 10_000).toUTCString();
    const { ctx } = await user({ errors: [{ status: 429, error: "provider_too_many_requests", times: 1, retry_after: at }] });
    await client().getAccounts(ctx);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(7000);
    expect(sleeps[0]).toBeLessThanOrEqual(10_000);
  });

  it("backs off exponentially with full jitter when there is no Retry-After", async () => {
    const { ctx } = await user({ errors: [{ status: 503, error: "provider_error", times: 3 }] });
    await client().getAccounts(ctx);
    // random() = 0.5 of 500·2^attempt
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it("a Retry-After date in the past does not mean hammering: it backs off as if there were none", async () => {
    const past = new Date(Date.now() - 60_000).toUTCString();
    const { ctx } = await user({ errors: [{ status: 429, error: "provider_too_many_requests", times: 2, retry_after: past }] });
    await client().getAccounts(ctx);
    expect(sleeps).toEqual([250, 500]);
  });

  it("gives up after maxRetries with the typed error", async () => {
    const { ctx } = await user({ errors: [{ status: 504, error: "connector_timeout" }] });
    const err = await client({ maxRetries: 2 })
      .getAccounts(ctx)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "truelayer.connector_timeout", kind: "retryable", status: 504 });
    expect(sleeps).toHaveLength(2);
    expect((await sandbox.admin.requests()).filter((r) => r.correlation_id === ctx.correlationId)).toHaveLength(3);
  });

  it("does not wait for a Retry-After longer than the policy allows: the queue requeues instead", async () => {
    const { ctx } = await user({ errors: [{ status: 429, error: "provider_too_many_requests", retry_after: 3600 }] });
    const err = await client()
      .getAccounts(ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderTooManyRequestsError);
    expect(err).toMatchObject({ retryAfterMs: 3_600_000 });
    expect(sleeps).toEqual([]);
  });

  it("retries a request that times out, and reports a timeout when retries run out", async () => {
    const { ctx } = await user({ timeouts: [{ hang_ms: 2000, times: 1 }] });
    const accounts = await client({ timeoutMs: 150 }).getAccounts(ctx);
    expect(accounts.length).toBeGreaterThan(0);
    expect(sleeps).toHaveLength(1);
    const { ctx: stuck } = await user({ timeouts: [{ hang_ms: 2000 }] });
    const err = await client({ timeoutMs: 150, maxRetries: 0 })
      .getAccounts(stuck)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ kind: "retryable", code: "truelayer.timeout" });
  });

  it("retries on 5xx with a given probability until it gets through", async () => {
    const { ctx } = await user({ errors: [{ status: 500, error: "internal_server_error", probability: 0.5 }] });
    const tl = client({ maxRetries: 10 });
    for (let i = 0; i < 5; i++) expect((await tl.getAccounts(ctx)).length).toBeGreaterThan(0);
  });

  it("reports a refused connection as a retryable network error", async () => {
    const err = await client({ dataBaseUrl: "http://127.0.0.1:1/data/v1", maxRetries: 1 })
      .getAccounts({ accessToken: "x", connectionId: "c" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(sleeps).toHaveLength(1);
  });
});

describe("failures that are not retried", () => {
  it.each([
    ["access_denied (consent revoked)", { consent: "revoked" as const }, AccessDeniedError, "needs_reconnect"],
    [
      "provider_request_limit_exceeded",
      { errors: [{ status: 429, error: "provider_request_limit_exceeded" }] },
      ProviderRequestLimitExceededError,
      "provider_limit",
    ],
    ["endpoint_not_supported", { errors: [{ status: 501, error: "endpoint_not_supported" }] }, EndpointNotSupportedError, "permanent"],
  ])("%s", async (_, scenario, Class, kind) => {
    const { ctx } = await user(scenario);
    const err = await client()
      .getAccounts(ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Class);
    expect(err).toMatchObject({ kind, correlationId: ctx.correlationId });
    expect(sleeps).toEqual([]);
  });

  it("the simulator's own 4-a-day limit surfaces as provider_limit", async () => {
    const { ctx, bank } = await user({ unattended_limit: 4 });
    const tl = client();
    for (let i = 0; i < 4; i++) await tl.getBalance(ctx, bank);
    await expect(tl.getBalance(ctx, bank)).rejects.toBeInstanceOf(ProviderRequestLimitExceededError);
    expect((await tl.getBalance({ ...ctx, psuIp: "203.0.113.5" }, bank)).currency).toBe("GBP");
  });

  it("sca_exceeded for old history without the user, and account_not_found for a closed account", async () => {
    const { ctx, bank } = await user({ sca_window_minutes: 0 });
    const tl = client();
    await expect(tl.getTransactions(ctx, bank, { from: "2024-01-01", to: "2025-06-15" })).rejects.toBeInstanceOf(ScaExceededError);
    expect((await tl.getTransactions({ ...ctx, psuIp: "203.0.113.5" }, bank, { from: "2024-01-01", to: "2025-06-15" })).length).toBeGreaterThan(100);
    await expect(tl.getBalance(ctx, "closed-account")).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it("an account id no URL can carry (a lone surrogate) rejects with unexpected_response, never a URIError", async () => {
    const { ctx } = await user({});
    const tl = client();
    for (const call of [
      () => tl.getBalance(ctx, "acc\uD800"),
      () => tl.getCardBalance(ctx, "\uDFFF"),
      () => tl.listTransactions(ctx, { kind: "account", accountId: "acc\uD800" }),
      () => tl.getCardTransactions(ctx, "\uD800", { from: "2025-06-01", to: "2025-06-10" }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(UnexpectedResponseError);
    }
  });

  it("invalid_date_range and wrong client credentials are permanent, and a slow provider is a timeout", async () => {
    const { created, ctx, bank } = await user({ latency_ms: 400 });
    const reversed = await client()
      .getTransactions(ctx, bank, { from: "2025-06-10", to: "2025-06-01" })
      .catch((e: unknown) => e);
    expect(reversed).toBeInstanceOf(InvalidDateRangeError);
    const badClient = await client({ clientSecret: "wrong" })
      .refreshToken(created.tokens.refresh_token!)
      .catch((e: unknown) => e);
    expect(badClient).toBeInstanceOf(InvalidClientError);
    expect(badClient).toMatchObject({ kind: "permanent", status: 400 });
    const slow = await client({ timeoutMs: 100, maxRetries: 0 })
      .getAccounts(ctx)
      .catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(RequestTimeoutError);
    expect(sleeps).toEqual([]);
  });

  it.each(["provider_error", "connector_overload", "temporarily_unavailable"])("error.%s user: retried, then ProviderUnavailableError", async (code) => {
    const tokens = await sandbox.admin.authorise(`error.${code}`);
    secrets.push(tokens.access_token, tokens.refresh_token!);
    const err = await client({ maxRetries: 1 })
      .getAccounts({ accessToken: tokens.access_token, connectionId: code })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err).toMatchObject({ code: `truelayer.${code}`, status: 503 });
  });
});

describe("against a loopback server of our own", () => {
  // After `holdUntil(n)`, replies wait until n requests are in flight (plus a short grace in
  // which any excess would arrive too), so the in-flight figure does not depend on how loaded the machine
  // is; a fallback releases them if that many never arrive, and the assertion then fails.
  async function serve(handler: (path: string) => { status: number; body: unknown; delayMs?: number }) {
    let inFlight = 0;
    let maxInFlight = 0;
    let holdUntil = 0;
    let held: Array<() => void> = [];
    const releaseAll = () => {
      const now = held;
      held = [];
      for (const reply of now) reply();
    };
    const server = createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const reply = handler(req.url ?? "");
      const send = () => {
        inFlight--;
        res.writeHead(reply.status, { "Content-Type": "application/json" }).end(JSON.stringify(reply.body));
      };
      if (holdUntil === 0) {
        setTimeout(send, reply.delayMs ?? 0);
        return;
      }
      held.push(send);
      if (inFlight >= holdUntil) {
        holdUntil = 0; // one gate per phase: later requests are answered after their delay
        setTimeout(releaseAll, reply.delayMs ?? 0);
      } else setTimeout(releaseAll, 2_000);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      maxInFlight: () => maxInFlight,
      holdUntil: (n: number) => {
        holdUntil = n;
      },
    };
  }
  const account = { account_id: "a1", currency: "GBP", display_name: "A", account_number: {}, provider: { provider_id: "p" } };

  it("limits concurrency per connection, so one slow connection never holds another's slots", async () => {
    const fake = await serve(() => ({ status: 200, body: { results: [account] }, delayMs: 40 }));
    const tl = client({ dataBaseUrl: fake.url, concurrencyPerConnection: 2 });
    const ctx = { accessToken: "t", connectionId: "c", providerId: "bank-a" };
    fake.holdUntil(2);
    await Promise.all(Array.from({ length: 6 }, () => tl.getAccounts(ctx)));
    expect(fake.maxInFlight()).toBe(2);
    // Same bank, another connection: its own slots.
    fake.holdUntil(4);
    await Promise.all([
      ...Array.from({ length: 2 }, () => tl.getAccounts(ctx)),
      ...Array.from({ length: 2 }, () => tl.getAccounts({ ...ctx, connectionId: "c2" })),
    ]);
    expect(fake.maxInFlight()).toBe(4);
  });

  it("a caller's stop cuts off a call in flight and a retry's wait, rejecting with the stop's reason", async () => {
    class Stopped extends Error {}
    let served = 0;
    const slow = await serve(() => {
      served++;
      return { status: 200, body: { results: [account] }, delayMs: 20_000 };
    });
    const inFlight = new AbortController();
    const call = client({ dataBaseUrl: slow.url }).getAccounts({ accessToken: "t", connectionId: "c", signal: inFlight.signal });
    await until(() => served === 1, { message: "the request reached the server" });
    inFlight.abort(new Stopped("stop"));
    await expect(call).rejects.toBeInstanceOf(Stopped);

    const busy = await serve(() => ({ status: 503, body: { error: "provider_error" }, delayMs: 0 }));
    const waiting = new AbortController();
    const retried = client({
      dataBaseUrl: busy.url,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      retry: { baseDelayMs: 20_000, maxDelayMs: 20_000 },
    }).getAccounts({
      accessToken: "t",
      connectionId: "c",
      signal: waiting.signal,
    });
    setTimeout(() => waiting.abort(new Stopped("stop")), 200);
    await expect(retried).rejects.toBeInstanceOf(Stopped);
  }, 15_000);

  it("bounds requests in flight for the whole client across connections", async () => {
    const fake = await serve(() => ({ status: 200, body: { results: [account] }, delayMs: 40 }));
    const tl = client({ dataBaseUrl: fake.url, concurrencyPerConnection: 4, maxConcurrency: 3 });
    fake.holdUntil(3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => tl.getAccounts({ accessToken: "t", connectionId: `c${i}` })));
    expect(fake.maxInFlight()).toBe(3);
  });

  it("retries an HTML maintenance page served with 200 as the bank being unavailable", async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      if (calls === 1) return res.writeHead(200, { "Content-Type": "text/html" }).end("<html><body>Down for maintenance</body></html>");
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ results: [account] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const accounts = await client({ dataBaseUrl: url, maxRetries: 1 }).getAccounts({ accessToken: "t", connectionId: "c" });
    expect(accounts.map((a) => a.account_id)).toEqual(["a1"]);
    calls = 0;
    const refused = await client({ dataBaseUrl: url, maxRetries: 0 })
      .getAccounts({ accessToken: "t", connectionId: "c" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NonJsonResponseError);
    expect(refused).toMatchObject({ kind: "retryable", code: "truelayer.non_json_response" });
  });

  it("lists transactions one by one: a transaction the schema refuses is returned with its reason, the rest arrive", async () => {
    const good = {
      transaction_id: "t1",
      normalised_provider_transaction_id: "n1",
      timestamp: "2025-06-01T00:00:00+00:00",
      description: "TESCO",
      amount: -1.5,
      currency: "GBP",
      transaction_type: "DEBIT",
    };
    const fake = await serve(() => ({ status: 200, body: { results: [good, { ...good, normalised_provider_transaction_id: "n2", amount: "12,50" }] } }));
    const list = await client({ dataBaseUrl: fake.url }).listTransactions(
      { accessToken: "t", connectionId: "c" },
      { kind: "account", accountId: "a1", range: { from: "2025-06-01", to: "2025-06-02" } },
    );
    expect(list.transactions.map((t) => t.normalised_provider_transaction_id)).toEqual(["n1"]);
    expect(list.rejected).toEqual([{ index: 1, providerId: "n2", reason: expect.stringContaining("amount") }]);
  });

  it("asks for transactions asynchronously with the webhook_uri, and fetches results only from the configured data host", async () => {
    // Prepare
    const seen: string[] = [];
    const good = {
      transaction_id: "t1",
      normalised_provider_transaction_id: "n1",
      timestamp: "2025-06-01T00:00:00+00:00",
      description: "TESCO",
      amount: -1.5,
      currency: "GBP",
      transaction_type: "DEBIT",
    };
    const fake = await serve((path) => {
      seen.push(path);
      return path.includes("async=true")
        ? { status: 202, body: { results_uri: "https://ignored.test/r", status: "Queued", task_id: "task-1" } }
        : { status: 200, body: { results: [good], status: "Succeeded" } };
    });
    const tl = client({ dataBaseUrl: `${fake.url}/data/v1` });
    const ctx = { accessToken: "t", connectionId: "c" };
    // Act
    const task = await tl.requestTransactionsAsync(
      ctx,
      { kind: "card", accountId: "k1", range: { from: "2025-01-01", to: "2025-06-01" } },
      "https://hooks.test/r/s3cret",
    );
    const results = await tl.getTransactionResults(ctx, `${fake.url}/data/v1/results/task-1`);
    const elsewhere = [
      `http://127.0.0.2:${new URL(fake.url).port}/data/v1/results/task-1`,
      `${fake.url}/other/results/task-1`,
      "not a url",
      `http://user:pw@${new URL(fake.url).host}/data/v1/results/x`,
    ];
    const refused = await Promise.all(elsewhere.map((uri) => tl.getTransactionResults(ctx, uri).catch((err: unknown) => err)));
    // Assess
    expect(task).toEqual({ taskId: "task-1", resultsUri: "https://ignored.test/r" });
    expect(new URL(`http://x${seen[0]}`).pathname).toBe("/data/v1/cards/k1/transactions");
    expect(new URL(`http://x${seen[0]}`).searchParams.get("webhook_uri")).toBe("https://hooks.test/r/s3cret");
    expect(results.transactions.map((t) => t.normalised_provider_transaction_id)).toEqual(["n1"]);
    for (const err of refused) expect(err).toMatchObject({ code: "truelayer.foreign_results_uri", kind: "permanent" });
    // The refused ones never reached any server.
    expect(seen).toHaveLength(2);
  });

  it("times out a response that keeps trickling: the timeout covers the whole request, not socket idleness", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      // JSON whitespace every 20 ms: the socket is never idle, the body never ends.
      const drip = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(drip));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const err = await client({ dataBaseUrl: url, timeoutMs: 150, maxRetries: 0 })
      .getAccounts({ accessToken: "t", connectionId: "c" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
  });

  it("reads a Retry-After date against the response's own Date header, so clock skew does not matter", async () => {
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { "Content-Type": "application/json", Date: "Sun, 01 Jun 2025 12:00:00 GMT", "Retry-After": "Sun, 01 Jun 2025 12:00:07 GMT" });
        res.end(JSON.stringify({ error: "provider_too_many_requests" }));
      } else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ results: [account] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await client({ dataBaseUrl: url }).getAccounts({ accessToken: "t", connectionId: "c" });
    expect(sleeps).toEqual([7000]);
  });

  it("rejects a body that breaks what the sync relies on, naming the field", async () => {
    const fake = await serve(() => ({ status: 200, body: { results: [{ ...account, account_id: "" }] } }));
    const err = await client({ dataBaseUrl: fake.url })
      .getAccounts({ accessToken: "t", connectionId: "c" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect((err as Error).message).toContain("results.0.account_id");
  });
});

describe("errors", () => {
  it("carry no token or client secret, not even in their cause (uncaught errors are printed whole)", async () => {
    // Prepare: no server on port 1, so the failures come from axios with its request config.
    const dead = client({ authBaseUrl: "http://127.0.0.1:1", dataBaseUrl: "http://127.0.0.1:1/data/v1", maxRetries: 0, clientSecret: "secret-xyz-123" });
    // Act
    const dataErr = await dead.getAccounts({ accessToken: "access-abc-123", connectionId: "c" }).catch((e: unknown) => e);
    const tokenErr = await dead.refreshToken("refresh-def-456").catch((e: unknown) => e);
    // Assess
    expect(dataErr).toBeInstanceOf(NetworkError);
    expect(tokenErr).toBeInstanceOf(NetworkError);
    const printed = [inspect(dataErr, { depth: 10 }), inspect(tokenErr, { depth: 10 })].join("\n");
    for (const secret of ["access-abc-123", "refresh-def-456", "secret-xyz-123"]) expect(printed).not.toContain(secret);
    expect(printed).toContain("ECONNREFUSED");
  });
});

describe("logs", () => {
  it("carry correlation ids and never a token", () => {
    const text = logLines.join("");
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain("correlationId");
    expect(text).toContain("truelayer retry");
  });
});
