import type { IncomingMessage, ServerResponse } from "node:http";
import { formatMinorPlain, fromMinor } from "@expenzez/money";
import { addDays, DAY_IN_MS, earlierDay, isMonthlyPaymentDay, isoDay, parseDay } from "./calendar";
import { cardStatementMinor, profileOf, type SimAccount } from "./generator";
import { sendError, sendJson, sleep } from "./http";
import { balanceAt, bookedBetween, pendingAt, toTrueLayerTransaction } from "./ledger";
import { priceOn } from "./merchants";
import { hexId, rng } from "./random";
import type { ErrorRule, FieldOverride, MaintenanceRule, TimeoutRule } from "./scenarios";
import type { SandboxState, SimUser } from "./state";

/** What an async call hands to the webhook side. */
export interface AsyncCalls {
  enqueue(input: { user: SimUser; requestUri: string; webhookUri: string | undefined; status: number; body: unknown }): {
    results_uri: string;
    status: "Queued";
    task_id: string;
  };
  /** A stored result: undefined when the task is unknown. */
  result(taskId: string): { status: number; body: unknown } | undefined;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const PROVIDER = { display_name: "Mock Bank", logo_uri: "https://truelayer-provider-assets.s3.amazonaws.com/global/logos/mock.svg", provider_id: "mock" };

/** Serves `/data/v1/...`: authentication, the scenario's faults, then the endpoint itself. */
export async function handleData(state: SandboxState, calls: AsyncCalls, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  if (req.method !== "GET") return sendError(res, 405, "method_not_allowed", `${req.method} is not supported on ${path}`);
  const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
  if (!auth) return sendError(res, 401, "unauthorized", "Missing or malformed access token.");
  const checked = state.checkAccessToken(auth[1]!);
  if ("problem" in checked) {
    const description =
      checked.problem === "expired"
        ? `The token expired at '${new Date(checked.expiredAt).toISOString().replace("T", " ").slice(0, 19)}Z'`
        : "Invalid access token.";
    return sendError(res, 401, "invalid_token", description);
  }
  const { user } = checked;
  user.requests += 1;
  const headers = { "X-Credentials-Id": user.credentialsId };

  const taskMatch = /^\/results\/([\w-]+)$/.exec(path);
  if (taskMatch) {
    const found = calls.result(taskMatch[1]!);
    return found ? sendJson(res, found.status, found.body, headers) : sendError(res, 404, "not_found", "Unknown task.", headers);
  }

  if (user.scenario.latency_ms > 0) await sleep(user.scenario.latency_ms);
  const roll = rng(state.seed, user.spec.userId, "faults", user.requests);
  const timeout = firstMatching(user, "timeouts", user.scenario.timeouts, path, roll.next());
  if (timeout) return hang(res, timeout);
  if (!state.consentValid(user)) {
    return sendError(res, 403, "access_denied", describe("access_denied"), headers);
  }
  const fault = firstMatching(user, "errors", user.scenario.errors, path, roll.next());
  const asyncCall = url.searchParams.get("async") === "true";
  if (fault && asyncCall) {
    // TrueLayer accepts an async request and reports the bank's failure in the callback: a Failed task.
    const queued = calls.enqueue({
      user,
      requestUri: url.toString(),
      webhookUri: url.searchParams.get("webhook_uri") ?? undefined,
      ...fail(fault.status, fault.error),
    });
    return sendJson(res, 202, queued, headers);
  }
  if (fault) {
    const extra: Record<string, string> = fault.retry_after === undefined ? {} : { "Retry-After": String(fault.retry_after) };
    return sendError(res, fault.status, fault.error, fault.error_description ?? describe(fault.error), { ...headers, ...extra });
  }
  const maintenance = firstMatching(user, "maintenance", user.scenario.maintenance_pages, path, roll.next());
  if (maintenance) {
    const page = "<!DOCTYPE html><html><body><h1>We are down for maintenance</h1></body></html>";
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": Buffer.byteLength(page) });
    res.end(page);
    return;
  }
  const psuIp = req.headers["x-psu-ip"];
  if (!psuIp && path !== "/me" && !state.takeUnattended(user, path)) {
    return sendError(res, 429, "provider_request_limit_exceeded", describe("provider_request_limit_exceeded"), headers);
  }

  const reply = route(state, user, path, url.searchParams, Boolean(psuIp));
  if (asyncCall && reply.status === 200) {
    const webhookUri = url.searchParams.get("webhook_uri") ?? undefined;
    const queued = calls.enqueue({ user, requestUri: url.toString(), webhookUri, status: reply.status, body: reply.body });
    return sendJson(res, 202, queued, headers);
  }
  return sendJson(res, reply.status, reply.body, { ...headers, ...reply.headers });
}

function firstMatching<R extends ErrorRule | TimeoutRule | MaintenanceRule>(
  user: SimUser,
  kind: string,
  rules: readonly R[],
  path: string,
  roll: number,
): R | undefined {
  for (const [i, rule] of rules.entries()) {
    if (rule.path && !path.includes(rule.path)) continue;
    const key = `${kind}:${i}`;
    const hits = user.ruleHits.get(key) ?? 0;
    if (rule.times !== undefined && hits >= rule.times) continue;
    if (roll >= rule.probability) continue;
    user.ruleHits.set(key, hits + 1);
    return rule;
  }
  return undefined;
}

/** Never answers: holds the socket, then drops it, as a stuck connector does. */
function hang(res: ServerResponse, rule: TimeoutRule): void {
  const timer = setTimeout(() => res.socket?.destroy(), rule.hang_ms);
  res.on("close", () => clearTimeout(timer));
}

const DESCRIPTIONS: Record<string, string> = {
  validation_error: "The supplied parameters are not valid.",
  invalid_date_range: "Invalid date range provided.",
  unauthorized: "Unauthorized.",
  invalid_token: "Invalid access token.",
  access_denied: "Access to a specific resource has been denied.",
  sca_exceeded:
    "SCA exemption has expired. This resource is protected and should be accessed shortly after PSU Authentication. In order to access this resource, please have the PSU re-authenticate.",
  account_not_found: "account not found",
  provider_too_many_requests: "Provider rate limit exceeded.",
  provider_request_limit_exceeded: "Maximum number of requests per user allowed by provider exceeded.",
  internal_server_error: "Internal server error.",
  endpoint_not_supported: "Feature not supported by the provider",
  provider_error: "The provider service is unavailable.",
  connector_overload: "The connector service is currently overloaded.",
  temporarily_unavailable: "The provider service is unavailable.",
  connector_timeout: "The connector service timed out.",
  provider_timeout: "The provider service timed out.",
};

function describe(error: string): string {
  return DESCRIPTIONS[error] ?? `Simulated error: ${error}.`;
}

const ok = (results: unknown[]): Reply => ({ status: 200, body: { results, status: "Succeeded" } });
const fail = (status: number, error: string): Reply => ({
  status,
  body: { error, error_description: describe(error), error_details: {} },
});

function route(state: SandboxState, user: SimUser, path: string, query: URLSearchParams, userPresent: boolean): Reply {
  const now = state.now();
  const stamp = new Date(now).toISOString();
  if (path === "/me") return ok([me(state, user)]);
  if (path === "/info") return ok([{ full_name: fullName(user), update_timestamp: stamp }]);
  const suffix = user.scenario.account_id_suffix;
  const listed = (a: SimAccount) => !user.scenario.unlisted_accounts.includes(a.id);
  const accounts = user.scenario.account_overrides;
  if (path === "/accounts")
    return ok(user.accounts.filter((a) => a.kind !== "card" && listed(a)).map((a) => overridden(withSuffix(accountJson(a, stamp), suffix), accounts[a.id])));
  if (path === "/cards")
    return ok(user.accounts.filter((a) => a.kind === "card" && listed(a)).map((a) => overridden(withSuffix(cardJson(user, a, stamp), suffix), accounts[a.id])));

  const match = /^\/(accounts|cards)\/([^/]+)(\/balance|\/transactions|\/transactions\/pending|\/standing_orders|\/direct_debits)?$/.exec(path);
  if (!match) return fail(404, "not_found");
  const [, family, encodedId, sub] = match;
  const served = safeDecode(encodedId!);
  const accountId = suffix && served.endsWith(suffix) ? served.slice(0, -suffix.length) : served;
  const acct = user.accounts.find((a) => a.id === accountId && (a.kind === "card") === (family === "cards"));
  if (!acct) return fail(404, "account_not_found");
  const salt = user.scenario.unstable_transaction_ids ? String(user.requests) : "stable";
  switch (sub) {
    case undefined:
      return ok([family === "cards" ? cardJson(user, acct, stamp) : accountJson(acct, stamp)]);
    case "/balance":
      return ok([overridden(balanceJson(state, user, acct, stamp), user.scenario.balance_overrides[acct.id])]);
    case "/transactions/pending":
      return ok(pendingAt(user, acct, now).map((t) => toTrueLayerTransaction(t, acct, "pending", salt)));
    case "/transactions": {
      const range = dateRange(query, now);
      if ("error" in range) return fail(400, range.error);
      const oldestFree = isoDay(new Date(now - user.scenario.sca_max_history_days * DAY_IN_MS));
      const window = user.scenario.sca_window_minutes;
      // Strictly within: a window of 0 minutes means none (a request in the consent's own millisecond is not inside it).
      const inScaWindow = window === null || now - user.consentAt < window * 60_000;
      if (range.from < oldestFree && !inScaWindow && !userPresent) return fail(403, "sca_exceeded");
      return ok(bookedBetween(user, acct, range.from, range.to, now).map((t) => toTrueLayerTransaction(t, acct, "booked", salt)));
    }
    case "/standing_orders":
      return family === "cards" ? fail(404, "not_found") : ok(standingOrders(user, acct, now));
    case "/direct_debits":
      return family === "cards" ? fail(404, "not_found") : ok(directDebits(user, acct, now));
    default:
      return fail(404, "not_found");
  }
}

function withSuffix<T extends { account_id: string }>(json: T, suffix: string): T {
  return suffix ? { ...json, account_id: `${json.account_id}${suffix}` } : json;
}

function overridden(json: object, override: FieldOverride | undefined): Record<string, unknown> {
  if (!override) return json as Record<string, unknown>;
  const out: Record<string, unknown> = { ...json, ...override.fields };
  for (const field of override.omit) delete out[field];
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `from`/`to` as days; TrueLayer takes dates or date-times. Defaults: the last 90 days. */
function dateRange(query: URLSearchParams, now: number): { from: string; to: string } | { error: string } {
  const today = isoDay(new Date(now));
  const read = (name: string, fallback: string) => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    return parseDay(raw.slice(0, 10)) && /^\d{4}-\d{2}-\d{2}([T ].*)?$/.test(raw) ? raw.slice(0, 10) : undefined;
  };
  const from = read("from", addDays(today, -90));
  const to = read("to", today);
  if (!from || !to) return { error: "validation_error" };
  if (from > to) return { error: "invalid_date_range" };
  return { from, to: earlierDay(to, today) };
}

function me(state: SandboxState, user: SimUser) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    client_id: state.config.client_id,
    credentials_id: user.credentialsId,
    consent_status: state.consentValid(user) ? "Authorised" : user.scenario.consent === "revoked" ? "Revoked" : "Expired",
    consent_status_updated_at: iso(user.consentAt),
    consent_created_at: iso(user.consentAt),
    consent_expires_at: iso(state.consentExpiresAt(user)),
    provider: PROVIDER,
    scopes: ["info", "accounts", "balance", "transactions", "cards", "offline_access"],
    privacy_policy: "Feb2019",
  };
}

function fullName(user: SimUser): string {
  const known: Record<string, string> = { john: "John Doe", doe: "Jane Doe" };
  return known[user.spec.userId] ?? "Alex Example";
}

function accountJson(acct: SimAccount, stamp: string) {
  return {
    update_timestamp: stamp,
    account_id: acct.id,
    account_type: acct.kind === "savings" ? "SAVINGS" : "TRANSACTION",
    display_name: acct.displayName,
    currency: "GBP",
    account_number: {
      iban: `GB${String(10 + (Number(acct.number) % 89)).padStart(2, "0")}MOCK${acct.sortCode.replaceAll("-", "")}${acct.number}`,
      number: acct.number,
      sort_code: acct.sortCode,
      swift_bic: "MOCKGB21",
    },
    provider: { provider_id: "mock" },
  };
}

function cardJson(user: SimUser, acct: SimAccount, stamp: string) {
  return {
    account_id: acct.id,
    card_network: "VISA",
    card_type: "CREDIT",
    currency: "GBP",
    display_name: acct.displayName,
    partial_card_number: acct.partialCardNumber,
    name_on_card: fullName(user),
    valid_from: "2023-01",
    valid_to: "2028-01",
    update_timestamp: stamp,
    provider: { provider_id: "mock" },
  };
}

function balanceJson(state: SandboxState, user: SimUser, acct: SimAccount, stamp: string) {
  const { currentMinor, pendingMinor } = balanceAt(user, acct, state.now());
  if (acct.kind !== "card") {
    return {
      currency: "GBP",
      available: fromMinor(currentMinor + pendingMinor + acct.overdraftMinor),
      current: fromMinor(currentMinor),
      overdraft: fromMinor(acct.overdraftMinor),
      update_timestamp: stamp,
    };
  }
  const today = stamp.slice(0, 10);
  const statementMinor = cardStatementMinor(user.spec, acct, today);
  return {
    // The spec types a card's `available` as a string (its example sends a number).
    available: formatMinorPlain(acct.creditLimitMinor - currentMinor - pendingMinor),
    currency: "GBP",
    current: fromMinor(currentMinor),
    credit_limit: fromMinor(acct.creditLimitMinor),
    last_statement_balance: fromMinor(statementMinor),
    last_statement_date: `${today.slice(0, 7)}-01`,
    payment_due: fromMinor(statementMinor),
    payment_due_date: `${today.slice(0, 7)}-20`,
    update_timestamp: stamp,
  };
}

function standingOrders(user: SimUser, acct: SimAccount, now: number) {
  if (acct.index !== 0) return [];
  const profile = profileOf(user.spec);
  const stamp = new Date(now).toISOString();
  const today = isoDay(new Date(now));
  const next = (dueDay: number) => {
    let day = addDays(today, 1);
    while (!isMonthlyPaymentDay(day, dueDay)) day = addDays(day, 1);
    return `${day}T00:00:00+00:00`;
  };
  const order = (frequency: string, dueDay: number, minor: number, payee: string, reference: string) => ({
    frequency,
    status: "Active",
    timestamp: stamp,
    currency: "GBP",
    meta: { provider_account_id: acct.id },
    next_payment_date: next(dueDay),
    next_payment_amount: formatMinorPlain(minor),
    first_payment_date: `${user.spec.historyStart}T00:00:00+00:00`,
    first_payment_amount: formatMinorPlain(minor),
    final_payment_date: "9999-12-31T00:00:00+00:00",
    final_payment_amount: "0.00",
    payee,
    reference,
  });
  return [order("IntrvlMnthDay:01:01", 1, profile.rentMinor, profile.landlord, "RENT")];
}

function directDebits(user: SimUser, acct: SimAccount, now: number) {
  if (acct.index !== 0) return [];
  const today = isoDay(new Date(now));
  return profileOf(user.spec).bills.map((bill, i) => {
    let last = today;
    for (let n = 0; n < 400 && !isMonthlyPaymentDay(last, bill.dueDay); n++) last = addDays(last, -1);
    return {
      direct_debit_id: hexId(32, user.spec.seed, user.spec.userId, bill.name),
      timestamp: new Date(now).toISOString(),
      name: bill.description,
      status: "Active",
      previous_payment_timestamp: `${last}T00:00:00+00:00`,
      previous_payment_amount: fromMinor(priceOn(bill, last)),
      currency: "GBP",
      meta: { provider_mandate_identification: String(i + 1), provider_account_id: acct.id },
    };
  });
}
