import { createLogger } from "@expenzez/logger";
import { describe, expect, it } from "vitest";
import { getData, postToken, results, sandboxForFile, type TlTransaction } from "./helpers";

const sandbox = await sandboxForFile();
const { admin } = sandbox;

describe("scenario switches", () => {
  it("a PATCH changes only the switches it names and keeps the others as they were", async () => {
    // Prepare
    const user = await admin.createUser({ scenario: { unattended_limit: null, latency_ms: 5, rotate_refresh_token: false } });
    // Act
    const after = await admin.setScenario(user.user_id, { errors: [{ status: 429, error: "provider_too_many_requests", times: 1 }] });
    // Assess
    expect(after).toMatchObject({ unattended_limit: null, latency_ms: 5, rotate_refresh_token: false, errors: [expect.objectContaining({ status: 429 })] });
  });
});

describe("tokens", () => {
  it("rotates refresh tokens: the new one works, the old one is invalid_grant", async () => {
    // Prepare
    const user = await admin.createUser({});
    // Act
    const first = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    const second = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: (first.body as { refresh_token: string }).refresh_token });
    const replay = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(second.status).toBe(200);
    expect(replay).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("without rotation returns no refresh token and the old one keeps working", async () => {
    const user = await admin.createUser({ scenario: { rotate_refresh_token: false } });
    const first = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    const again = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    expect(first.body).not.toHaveProperty("refresh_token");
    expect(again.status).toBe(200);
  });

  it("expires access tokens after their lifetime on the simulator's clock", async () => {
    const user = await admin.createUser({ scenario: { access_token_ttl_seconds: 60 } });
    expect((await getData(sandbox, "/me", user.tokens.access_token)).status).toBe(200);
    await admin.advanceClock({ seconds: 61 });
    const expired = await getData(sandbox, "/me", user.tokens.access_token);
    expect(expired).toMatchObject({ status: 401, body: { error: "invalid_token" } });
    expect((expired.body as { error_description: string }).error_description).toMatch(/^The token expired at '/);
  });

  it("expires consent after 90 days: refresh is invalid_grant, data is access_denied, reconnecting fixes both", async () => {
    // Prepare
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const me = await getData(sandbox, "/me", user.tokens.access_token);
    expect(results<{ consent_status: string }>(me)[0]!.consent_status).toBe("Authorised");
    // Act
    await admin.advanceClock({ days: 91 });
    const refresh = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: user.tokens.refresh_token! });
    const reconnected = await admin.authorise(user.user_id);
    // Assess
    expect(refresh).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await getData(sandbox, "/accounts", reconnected.access_token)).status).toBe(200);
  });

  it("refuses wrong client credentials", async () => {
    const res = await postToken(sandbox, { grant_type: "refresh_token", refresh_token: "x", client_secret: "wrong" });
    expect(res).toMatchObject({ status: 400, body: { error: "unauthorized_client" } });
  });
});

describe("faults", () => {
  it("a 429 storm with Retry-After passes after `times` requests", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    await admin.setScenario(user.user_id, { errors: [{ status: 429, error: "provider_too_many_requests", times: 2, retry_after: 3 }] });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const served = await getData(sandbox, "/accounts", user.tokens.access_token);
      statuses.push(served.status);
      retryAfter ??= served.headers.get("retry-after");
    }
    expect(statuses).toEqual([429, 429, 200]);
    expect(retryAfter).toBe("3");
  });

  it("a storm without Retry-After sends no such header; `path` limits a rule to matching endpoints", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null, errors: [{ status: 503, error: "provider_error", path: "/cards" }] } });
    const cards = await getData(sandbox, "/cards", user.tokens.access_token);
    expect(cards.status).toBe(503);
    expect(cards.headers.get("retry-after")).toBeNull();
    expect((await getData(sandbox, "/accounts", user.tokens.access_token)).status).toBe(200);
  });

  it("fails about the given share of requests, deterministically for a seed", async () => {
    const user = await admin.createUser({
      user_id: "flaky",
      scenario: { unattended_limit: null, errors: [{ status: 500, error: "internal_server_error", probability: 0.3 }] },
    });
    let failed = 0;
    for (let i = 0; i < 100; i++) if ((await getData(sandbox, "/accounts", user.tokens.access_token)).status === 500) failed++;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
  });

  it("timeouts hold the request and then drop the connection", async () => {
    const user = await admin.createUser({ scenario: { timeouts: [{ hang_ms: 150, times: 1 }] } });
    const started = Date.now();
    await expect(getData(sandbox, "/accounts", user.tokens.access_token)).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await getData(sandbox, "/accounts", user.tokens.access_token)).status).toBe(200);
  });

  it("slow responses wait latency_ms", async () => {
    const user = await admin.createUser({ scenario: { latency_ms: 120 } });
    const started = Date.now();
    expect((await getData(sandbox, "/accounts", user.tokens.access_token)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("4 unattended calls a day per endpoint; X-PSU-IP is not counted; a new day resets", async () => {
    const user = await admin.createUser({});
    const id = user.accounts[0]!.account_id;
    for (let i = 0; i < 4; i++) expect((await getData(sandbox, `/accounts/${id}/balance`, user.tokens.access_token)).status).toBe(200);
    expect((await getData(sandbox, `/accounts/${id}/balance`, user.tokens.access_token)).status).toBe(429);
    // Another endpoint has its own four; the user present lifts the limit.
    expect((await getData(sandbox, `/accounts/${id}/transactions/pending`, user.tokens.access_token)).status).toBe(200);
    expect((await getData(sandbox, `/accounts/${id}/balance`, user.tokens.access_token, "203.0.113.9")).status).toBe(200);
    await admin.advanceClock({ days: 1 });
    const fresh = await admin.authorise(user.user_id);
    expect((await getData(sandbox, `/accounts/${id}/balance`, fresh.access_token)).status).toBe(200);
  });

  it("sca_exceeded for history older than 90 days once the consent is older than 5 minutes, unless the user is present", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const path = `/accounts/${user.accounts[0]!.account_id}/transactions?from=2024-06-01`;
    expect((await getData(sandbox, path, user.tokens.access_token)).status).toBe(200);
    await admin.advanceClock({ seconds: 301 });
    expect((await getData(sandbox, path, user.tokens.access_token)).body).toMatchObject({ error: "sca_exceeded" });
    expect((await getData(sandbox, path, user.tokens.access_token, "203.0.113.9")).status).toBe(200);
    const recent = `/accounts/${user.accounts[0]!.account_id}/transactions?from=${(await admin.now()).toISOString().slice(0, 10)}`;
    expect((await getData(sandbox, recent, user.tokens.access_token)).status).toBe(200);
  });
});

describe("sca boundary", () => {
  it("90 days of history are free; the 91st day back needs the user", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null, sca_window_minutes: 0 } });
    const now = await admin.now();
    const daysBack = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
    const path = (from: string) => `/accounts/${user.accounts[0]!.account_id}/transactions?from=${from}`;
    expect((await getData(sandbox, path(daysBack(90)), user.tokens.access_token)).status).toBe(200);
    expect((await getData(sandbox, path(daysBack(91)), user.tokens.access_token)).body).toMatchObject({ error: "sca_exceeded" });
  });
});

describe("churn", () => {
  const pendingPath = (id: string) => `/accounts/${id}/transactions/pending`;

  it("transaction_id changes between calls while normalised_provider_transaction_id stays", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const path = `/accounts/${user.accounts[0]!.account_id}/transactions?from=2025-05-01`;
    const [a, b] = [results(await getData(sandbox, path, user.tokens.access_token)), results(await getData(sandbox, path, user.tokens.access_token))];
    expect(a.map((t) => t.normalised_provider_transaction_id)).toEqual(b.map((t) => t.normalised_provider_transaction_id));
    expect(a[0]!.transaction_id).not.toBe(b[0]!.transaction_id);
  });

  it("stable ids when unstable_transaction_ids is off", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null, unstable_transaction_ids: false } });
    const path = `/accounts/${user.accounts[0]!.account_id}/transactions?from=2025-05-01`;
    const [a, b] = [results(await getData(sandbox, path, user.tokens.access_token)), results(await getData(sandbox, path, user.tokens.access_token))];
    expect(a.map((t) => t.transaction_id)).toEqual(b.map((t) => t.transaction_id));
  });

  it("a pending purchase settles later under a different id with the tip added; a hold vanishes", async () => {
    // Prepare
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const id = user.accounts[0]!.account_id;
    const at = (await admin.now()).toISOString();
    await admin.addTransaction(user.user_id, {
      account_id: id,
      description: "SQ *DISHOOM LONDON",
      amount: "40.00",
      pending_hours: 48,
      tip: "5.00",
      timestamp: at,
    });
    await admin.addTransaction(user.user_id, {
      account_id: id,
      description: "SHELL KINGSTON 1234",
      amount: "99.00",
      pending_hours: 24,
      vanishes: true,
      timestamp: at,
    });
    const find = (list: TlTransaction[], text: string) => list.find((t) => t.description === text);
    // Exact descriptions: the seeded history has fuel holds of its own (e.g. "SHELL KINGSTON 6975"), pending whenever the clock puts them there.
    // Act
    const before = results(await getData(sandbox, pendingPath(id), user.tokens.access_token));
    await admin.advanceClock({ days: 3 });
    const tokens = await admin.authorise(user.user_id);
    const after = results(await getData(sandbox, pendingPath(id), tokens.access_token));
    const booked = results(await getData(sandbox, `/accounts/${id}/transactions?from=${at.slice(0, 10)}`, tokens.access_token));
    // Assess
    const pendingDishoom = find(before, "SQ *DISHOOM LONDON")!;
    expect(pendingDishoom.amount).toBe(-40);
    expect(find(before, "SHELL KINGSTON 1234")!.amount).toBe(-99);
    expect(find(after, "SQ *DISHOOM LONDON")).toBeUndefined();
    expect(find(after, "SHELL KINGSTON 1234")).toBeUndefined();
    const bookedDishoom = find(booked, "SQ *DISHOOM LONDON")!;
    expect(bookedDishoom.amount).toBe(-45);
    expect(bookedDishoom.normalised_provider_transaction_id).not.toBe(pendingDishoom.normalised_provider_transaction_id);
    expect(find(booked, "SHELL KINGSTON 1234")).toBeUndefined();
  });

  it("generated purchases move from pending to booked as the clock advances (play a month)", async () => {
    // Prepare
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const card = user.accounts.find((a) => a.kind === "card")!.account_id;
    // Earlier tests moved the shared clock: step days until the card has something pending.
    let pendingThen = results(await getData(sandbox, `/cards/${card}/transactions/pending`, user.tokens.access_token));
    for (let i = 0; i < 10 && pendingThen.length === 0; i++) {
      await admin.advanceClock({ days: 1 });
      const fresh = await admin.authorise(user.user_id);
      pendingThen = results(await getData(sandbox, `/cards/${card}/transactions/pending`, fresh.access_token));
    }
    const start = (await admin.now()).toISOString().slice(0, 10);
    // Act
    await admin.advanceClock({ days: 30 });
    const tokens = await admin.authorise(user.user_id);
    const pendingNow = results(await getData(sandbox, `/cards/${card}/transactions/pending`, tokens.access_token));
    const from = new Date(Date.parse(start) - 5 * 86_400_000).toISOString().slice(0, 10);
    const booked = results(await getData(sandbox, `/cards/${card}/transactions?from=${from}`, tokens.access_token));
    // Assess
    expect(pendingThen.length).toBeGreaterThan(0);
    const stillPending = new Set(pendingNow.map((t) => t.normalised_provider_transaction_id));
    expect(pendingThen.some((t) => stillPending.has(t.normalised_provider_transaction_id))).toBe(false);
    const bookedDescriptions = new Set(booked.map((t) => t.description));
    const settled = pendingThen.filter((t) => bookedDescriptions.has(t.description));
    expect(settled.length).toBeGreaterThan(0);
    expect(booked.some((t) => t.timestamp.slice(0, 10) > start)).toBe(true);
    // Card purchases are positive DEBITs (TrueLayer's card quirk).
    expect(booked.filter((t) => t.transaction_type === "DEBIT").every((t) => t.amount > 0)).toBe(true);
  });

  it("added booked transactions appear in the range and move the balance by exactly their amount", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null } });
    const id = user.accounts[0]!.account_id;
    const before = results<{ current: number }>(await getData(sandbox, `/accounts/${id}/balance`, user.tokens.access_token))[0]!.current;
    const added = await admin.addTransaction(user.user_id, {
      account_id: id,
      description: "BONUS",
      amount: 123.45,
      transaction_type: "CREDIT",
      transaction_category: "CREDIT",
    });
    const after = results<{ current: number }>(await getData(sandbox, `/accounts/${id}/balance`, user.tokens.access_token))[0]!.current;
    const booked = results(await getData(sandbox, `/accounts/${id}/transactions?from=${added.day}`, user.tokens.access_token));
    expect(Math.round((after - before) * 100)).toBe(12345);
    expect(booked.find((t) => t.normalised_provider_transaction_id === added.normalised_provider_transaction_id)?.amount).toBe(123.45);
  });
});

describe("card statements", () => {
  it("payment_due is exactly what the current account pays on the 20th, even with admin-added card spend", async () => {
    // Prepare: a simulator of its own, so the clock is where this test puts it.
    const own = await sandboxForFile({ now: new Date("2025-06-10T12:00:00Z") });
    const user = await own.admin.createUser({ history_days: 120, scenario: { unattended_limit: null } });
    const card = user.accounts.find((a) => a.kind === "card")!.account_id;
    await own.admin.addTransaction(user.user_id, { account_id: card, description: "JOHN LEWIS 123", amount: "50.00", timestamp: "2025-05-15T12:00:00Z" });
    // Act: the day after Friday 2025-06-20's payment.
    await own.admin.setClock(new Date("2025-06-21T12:00:00Z"));
    const tokens = await own.admin.authorise(user.user_id);
    const [balance] = results<{ payment_due: number; last_statement_balance: number }>(await getData(own, `/cards/${card}/balance`, tokens.access_token));
    const booked = results(await getData(own, `/cards/${card}/transactions?from=2025-06-20&to=2025-06-20`, tokens.access_token));
    // Assess
    const payment = booked.find((t) => t.description.startsWith("PAYMENT RECEIVED"))!;
    expect(Math.round(-payment.amount * 100)).toBe(Math.round(balance!.payment_due * 100));
    expect(balance!.last_statement_balance).toBe(balance!.payment_due);
  });
});

describe("admin and configuration", () => {
  it("records each request's correlation id and PSU IP", async () => {
    const user = await admin.createUser({});
    await fetch(`${sandbox.dataUrl}/me`, {
      headers: { Authorization: `Bearer ${user.tokens.access_token}`, "X-Client-Correlation-Id": "corr-1", "X-PSU-IP": "203.0.113.7" },
    });
    const seen = (await admin.requests()).find((r) => r.correlation_id === "corr-1");
    expect(seen).toMatchObject({ path: "/data/v1/me", status: 200, psu_ip: "203.0.113.7", user_id: user.user_id });
  });

  it("logs one line per request, without the token", async () => {
    const lines: string[] = [];
    const logged = await sandboxForFile({ logger: createLogger("sandbox-test", { level: "debug", destination: { write: (l) => lines.push(l) } }) });
    const user = await logged.admin.createUser({});
    await fetch(`${logged.dataUrl}/accounts`, { headers: { Authorization: `Bearer ${user.tokens.access_token}`, "X-Client-Correlation-Id": "corr-log" } });
    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ path: "/data/v1/accounts", status: 200, correlationId: "corr-log" }));
    expect(lines.join("")).not.toContain(user.tokens.access_token);
  });

  it("rejects bad admin input with a 400 naming the problem", async () => {
    await expect(admin.createUser({ accounts: 0 })).rejects.toMatchObject({ status: 400 });
    await expect(admin.getUser("nobody")).rejects.toMatchObject({ status: 404 });
    await expect(admin.createUser({ user_id: "john" })).rejects.toMatchObject({ status: 409 });
    const { accounts } = await admin.getUser("john");
    for (const amount of ["abc", "1e400", Number.NaN]) {
      await expect(admin.addTransaction("john", { account_id: accounts[0]!.account_id, description: "X", amount }), String(amount)).rejects.toMatchObject({
        status: 400,
      });
    }
    await expect(admin.addTransaction("john", { account_id: accounts[0]!.account_id, description: "X", amount: 1, tip: "lots" })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("applies config defaults and start-up users; the same seed serves the same data", async () => {
    // Prepare
    const config = { defaults: { access_token_ttl_seconds: 120 }, users: [{ user_id: "alice", accounts: 3, cards: 0, history_days: 30 }] };
    const [one, two] = [await sandboxForFile({ seed: "same", config }), await sandboxForFile({ seed: "same", config })];
    // Act
    const [t1, t2] = [await one.admin.authorise("alice"), await two.admin.authorise("alice")];
    const info = await one.admin.getUser("alice");
    const path = `/accounts/${info.accounts[0]!.account_id}/transactions?from=2025-05-20`;
    const [a, b] = [results(await getData(one, path, t1.access_token)), results(await getData(two, path, t2.access_token))];
    // Assess
    expect(t1.expires_in).toBe(120);
    expect(info.accounts).toHaveLength(3);
    expect(a.map((t) => [t.normalised_provider_transaction_id, t.description, t.amount])).toEqual(
      b.map((t) => [t.normalised_provider_transaction_id, t.description, t.amount]),
    );
  });
});

describe("hostile data", () => {
  it("serves an added transaction's raw fields over its own and leaves out the omitted ones", async () => {
    const user = await admin.createUser({ cards: 0, history_days: 5, scenario: { unattended_limit: null } });
    const account = user.accounts[0]!.account_id;
    await admin.addTransaction(user.user_id, {
      account_id: account,
      description: "ODD TESTVILLE",
      amount: "12.50",
      raw: { amount: "12,50" },
      omit: ["provider_transaction_id", "normalised_provider_transaction_id"],
    });
    const served = results<Record<string, unknown>>(await getData(sandbox, `/accounts/${account}/transactions`, user.tokens.access_token));
    const odd = served.find((t) => t.description === "ODD TESTVILLE");
    expect(odd?.amount).toBe("12,50");
    expect(odd).not.toHaveProperty("provider_transaction_id");
    expect(odd).not.toHaveProperty("normalised_provider_transaction_id");
  });

  it("answers 200 with an HTML page while in maintenance, then data again", async () => {
    const user = await admin.createUser({ scenario: { unattended_limit: null, maintenance_pages: [{ times: 1, path: "/accounts" }] } });
    const down = await fetch(`${sandbox.dataUrl}/accounts`, { headers: { Authorization: `Bearer ${user.tokens.access_token}` } });
    expect(down.status).toBe(200);
    expect(down.headers.get("content-type")).toContain("text/html");
    expect(await down.text()).toContain("maintenance");
    expect((await getData(sandbox, "/accounts", user.tokens.access_token)).status).toBe(200);
  });

  it("serves account ids with a suffix (taken back encoded in paths) and stops listing unlisted accounts", async () => {
    const user = await admin.createUser({ accounts: 2, cards: 0, history_days: 5, scenario: { unattended_limit: null } });
    const [first, second] = user.accounts.map((a) => a.account_id);
    await admin.setScenario(user.user_id, { account_id_suffix: "#1", unlisted_accounts: [second!] });
    const listed = results<{ account_id: string }>(await getData(sandbox, "/accounts", user.tokens.access_token)).map((a) => a.account_id);
    expect(listed).toEqual([`${first}#1`]);
    expect((await getData(sandbox, `/accounts/${encodeURIComponent(`${first}#1`)}/balance`, user.tokens.access_token)).status).toBe(200);
  });

  it("serves an account's and a balance's overriding fields over its own and leaves out the omitted ones", async () => {
    const user = await admin.createUser({ accounts: 2, cards: 0, history_days: 5, scenario: { unattended_limit: null } });
    const [first, second] = user.accounts.map((a) => a.account_id);
    await admin.setScenario(user.user_id, {
      account_overrides: { [second!]: { fields: { account_id: first, currency: "gbp" }, omit: ["display_name"] } },
      balance_overrides: { [first!]: { fields: { current: "12,50" }, omit: ["currency"] } },
    });
    const listed = results<Record<string, unknown>>(await getData(sandbox, "/accounts", user.tokens.access_token));
    expect(listed.map((a) => a.account_id)).toEqual([first, first]);
    expect(listed[1]).toMatchObject({ currency: "gbp" });
    expect(listed[1]).not.toHaveProperty("display_name");
    expect(listed[0]).toMatchObject({ currency: "GBP", display_name: expect.any(String) });
    const [balance] = results<Record<string, unknown>>(await getData(sandbox, `/accounts/${first}/balance`, user.tokens.access_token));
    expect(balance?.current).toBe("12,50");
    expect(balance).not.toHaveProperty("currency");
    const [untouched] = results<Record<string, unknown>>(await getData(sandbox, `/accounts/${second}/balance`, user.tokens.access_token));
    expect(untouched).toMatchObject({ currency: "GBP" });
  });
});
