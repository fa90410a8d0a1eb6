import { randomUUID } from "node:crypto";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createLogger, type Logger } from "@expenzez/logger";
import axios, { type AxiosResponse, isAxiosError } from "axios";
import pLimit, { type LimitFunction } from "p-limit";
import { z } from "zod";
import {
  type ErrorContext,
  errorFromResponse,
  ForeignResultsUriError,
  isRetryable,
  NetworkError,
  NonJsonResponseError,
  RequestTimeoutError,
  UnauthorizedError,
  UnexpectedResponseError,
} from "./errors";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseHttpDate, parseRetryAfter, type RetryPolicy } from "./retry";
import {
  type Account,
  accountSchema,
  asyncResponseSchema,
  type Balance,
  balanceSchema,
  type Card,
  type CardBalance,
  cardBalanceSchema,
  cardSchema,
  type DirectDebit,
  directDebitSchema,
  errorBodySchema,
  type Info,
  infoSchema,
  type Me,
  meSchema,
  resultsOf,
  type StandingOrder,
  standingOrderSchema,
  type TrueLayerTransaction,
  tokenResponseSchema,
  transactionSchema,
} from "./schemas";

export interface TrueLayerClientOptions {
  /** e.g. https://auth.truelayer.com, or the simulator's `authUrl`. */
  authBaseUrl: string;
  /** e.g. https://api.truelayer.com/data/v1, or the simulator's `dataUrl`. */
  dataBaseUrl: string;
  clientId: string;
  clientSecret: string;
  logger?: Logger;
  /** Per request, in ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable errors. Default 3. */
  maxRetries?: number;
  retry?: Partial<Omit<RetryPolicy, "maxRetries">>;
  /**
   * Requests in flight per connection. Default 4. Bounded per connection, not per bank: one
   * slow connection then holds only its own slots, never another user's first sync.
   */
  concurrencyPerConnection?: number;
  /** Requests in flight for the whole client (process). Default 32. */
  maxConcurrency?: number;
  /** Injectable for tests: waiting and jitter. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => Date;
}

/** Per call: whose data, and who is asking. */
export interface CallContext {
  accessToken: string;
  connectionId: string;
  /** The bank; logged with each response. */
  providerId?: string;
  /** The user's IP when they are present: sent as X-PSU-IP, lifts the 4-a-day limit. */
  psuIp?: string;
  /** Sent as X-Client-Correlation-Id (one per sync session); absent: a fresh UUID per call. */
  correlationId?: string;
  /** Called once on a 401 to get a fresh access token; the call is then retried with it. */
  refreshAccessToken?: () => Promise<string>;
  /**
   * The caller's request to stop (a lost lease, a runtime shutting down, a Lambda near its
   * deadline): once aborted, a data call in flight is cut off, a retry's wait ends, and the call
   * rejects with the signal's reason. Token calls never take it: a rotated pair must be stored.
   */
  signal?: AbortSignal;
}

export interface TokenSet {
  accessToken: string;
  /** The newest refresh token: the returned one, or the one sent when none came back. */
  refreshToken: string;
  /** True when TrueLayer returned a new refresh token (store it before using the pair). */
  refreshTokenRotated: boolean;
  expiresAt: Date;
  expiresIn: number;
  scope?: string;
  tokenType: string;
}

export interface DateRange {
  /** "YYYY-MM-DD" or ISO date-time. */
  from: string;
  to: string;
}

export interface TrueLayerClient {
  /** Exchanges the code from TrueLayer's auth dialog for the first token pair of a connection. */
  exchangeCode(code: string, redirectUri: string, context?: { connectionId?: string; correlationId?: string }): Promise<TokenSet>;
  refreshToken(refreshToken: string, context?: { connectionId?: string; correlationId?: string }): Promise<TokenSet>;
  getMe(ctx: CallContext): Promise<Me>;
  getInfo(ctx: CallContext): Promise<Info>;
  getAccounts(ctx: CallContext): Promise<Account[]>;
  /**
   * Accounts (`/accounts`) or cards (`/cards`), each entry parsed on its own: one the schema
   * refuses is returned in `rejected` with its reason, the others still arrive. `getAccounts` and
   * `getCards` fail the whole call on one bad entry.
   */
  listAccounts(ctx: CallContext, kind: "account"): Promise<AccountList<Account>>;
  listAccounts(ctx: CallContext, kind: "card"): Promise<AccountList<Card>>;
  getBalance(ctx: CallContext, accountId: string): Promise<Balance>;
  getTransactions(ctx: CallContext, accountId: string, range: DateRange): Promise<TrueLayerTransaction[]>;
  getPendingTransactions(ctx: CallContext, accountId: string): Promise<TrueLayerTransaction[]>;
  getStandingOrders(ctx: CallContext, accountId: string): Promise<StandingOrder[]>;
  getDirectDebits(ctx: CallContext, accountId: string): Promise<DirectDebit[]>;
  getCards(ctx: CallContext): Promise<Card[]>;
  getCardBalance(ctx: CallContext, cardId: string): Promise<CardBalance>;
  getCardTransactions(ctx: CallContext, cardId: string, range: DateRange): Promise<TrueLayerTransaction[]>;
  getCardPendingTransactions(ctx: CallContext, cardId: string): Promise<TrueLayerTransaction[]>;
  /**
   * Booked or pending transactions of an account or card, parsed one by one: a transaction the
   * schema refuses is returned in `rejected` with its reason, the others still arrive. The
   * strict `get*Transactions` fail the whole call on one bad transaction.
   */
  listTransactions(ctx: CallContext, source: TransactionSource): Promise<TransactionList>;
  /**
   * Asks for booked transactions of a range asynchronously (`?async=true&webhook_uri=…`):
   * TrueLayer answers with a task at once and POSTs `webhook_uri` when its results are ready
   * (a long history takes the bank minutes, longer than a sync should hold its lease).
   */
  requestTransactionsAsync(ctx: CallContext, source: TransactionSource & { range: DateRange }, webhookUri: string): Promise<AsyncTask>;
  /**
   * The transactions an async request produced, from its `results_uri`, parsed one by one like
   * `listTransactions`. Refuses (ForeignResultsUriError, before any request) a URI that is not
   * under the configured Data API base URL.
   */
  getTransactionResults(ctx: CallContext, resultsUri: string): Promise<TransactionList>;
  /**
   * Revokes the connection at TrueLayer (`DELETE /api/delete` on the auth server, bearer: its
   * access token): the consent ends and its tokens stop working. A 401 refreshes once through
   * `ctx.refreshAccessToken`, as data calls do.
   */
  deleteConnection(ctx: CallContext): Promise<void>;
}

/** An accepted async request: where its results will be served. */
export interface AsyncTask {
  taskId: string;
  resultsUri: string;
}

/** Whose transactions `listTransactions` reads: an account or card, booked (in a range) or pending. */
export interface TransactionSource {
  kind: "account" | "card";
  accountId: string;
  /** Booked transactions in this range; absent: the pending ones. */
  range?: DateRange;
}

/** A transaction the bank served that does not parse: what we can say about it, never its body. */
export interface RejectedTransaction {
  /** Position in the bank's list. */
  index: number;
  /** The bank's id for it, when it sent a usable one (normalised, else provider, else TrueLayer's). */
  providerId?: string;
  /** Zod issue paths and messages (no values: descriptions can hold personal data). */
  reason: string;
}

/** An entry of the accounts or cards list that does not parse: its position, its id when usable, why; never its body. */
export interface RejectedAccount {
  index: number;
  /** The entry's `account_id`, when it is a non-empty string. */
  accountId?: string;
  /** Zod issue paths and messages (no values). */
  reason: string;
}

export interface AccountList<T> {
  accounts: T[];
  rejected: RejectedAccount[];
}

export interface TransactionList {
  transactions: TrueLayerTransaction[];
  rejected: RejectedTransaction[];
}

interface Request {
  method: "GET" | "POST" | "DELETE";
  baseUrl: string;
  path: string;
  params?: Record<string, string>;
  headers: Record<string, string>;
  data?: string;
  connectionId?: string;
  correlationId: string;
  providerId: string;
  /** A 2xx with an empty body is the answer (DELETE), not a gateway's page. */
  emptyOk?: boolean;
  /** The caller's stop (CallContext.signal). */
  stop?: AbortSignal;
}

/** `wait`, ended early with the stop's reason when `stop` aborts first. */
function untilStopped(wait: Promise<void>, stop: AbortSignal | undefined): Promise<void> {
  if (!stop) return wait;
  stop.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const onStop = () => reject(stop.reason);
    stop.addEventListener("abort", onStop, { once: true });
    wait.then(
      () => {
        stop.removeEventListener("abort", onStop);
        resolve();
      },
      (err: unknown) => {
        stop.removeEventListener("abort", onStop);
        reject(err);
      },
    );
  });
}

/**
 * The TrueLayer Data API v1 client: typed errors, retries with full-jitter backoff honouring
 * `Retry-After`, per-request timeouts, concurrency bounded per connection and per client, correlation ids on every call,
 * and `X-PSU-IP` for attended calls (the PSD2 daily count lives on the connection item, see
 * `@expenzez/common`). Logs never carry a token.
 *
 * @example
 * const tl = createTrueLayerClient({ authBaseUrl, dataBaseUrl, clientId, clientSecret });
 * const tokens = await tl.refreshToken(stored.refreshToken, { connectionId });
 * const ctx = { accessToken: tokens.accessToken, connectionId, correlationId: jobId };
 * for (const account of await tl.getAccounts(ctx)) await tl.getTransactions(ctx, account.account_id, { from, to });
 */
export function createTrueLayerClient(options: TrueLayerClientOptions): TrueLayerClient {
  const log = options.logger ?? createLogger("truelayer-client");
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry, maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());
  const connectionLimiters = new Map<string, LimitFunction>();
  const global = pLimit(options.maxConcurrency ?? 32);
  // Kept-alive sockets: a sync makes a dozen calls per connection, a TLS handshake each would cost more than the call.
  const http = axios.create({
    timeout: timeoutMs,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
    // TrueLayer answers, it does not redirect; no redirect or proxy-environment wrapper per request (measured CPU).
    maxRedirects: 0,
    proxy: false,
    // The body as text, parsed once by `once` below: none of axios's per-response transforms.
    responseType: "text",
    transformResponse: (body: unknown) => body,
  });
  const dataBase = options.dataBaseUrl.replace(/\/$/, "");
  const authBase = options.authBaseUrl.replace(/\/$/, "");

  /** Runs `fn` within its connection's slots and the client's; idle connections' limiters are dropped. */
  async function limited<T>(connectionKey: string, fn: () => Promise<T>): Promise<T> {
    let limit = connectionLimiters.get(connectionKey);
    if (!limit) {
      limit = pLimit(options.concurrencyPerConnection ?? 4);
      connectionLimiters.set(connectionKey, limit);
    }
    const own = limit;
    try {
      return await own(() => global(fn));
    } finally {
      if (own.activeCount === 0 && own.pendingCount === 0 && connectionLimiters.get(connectionKey) === own) connectionLimiters.delete(connectionKey);
    }
  }

  async function once(req: Request): Promise<AxiosResponse> {
    const started = Date.now();
    const context: ErrorContext = { method: req.method, path: req.path, connectionId: req.connectionId, correlationId: req.correlationId };
    let res: AxiosResponse;
    let signal: AbortSignal | undefined;
    try {
      res = await limited(req.connectionId ?? req.correlationId, () => {
        // A request that waited for its slot past the caller's stop is not sent.
        req.stop?.throwIfAborted();
        // axios's own timeout only fires on an idle socket; this bounds the whole request, body included.
        signal = AbortSignal.timeout(timeoutMs);
        const either = req.stop ? AbortSignal.any([signal, req.stop]) : signal;
        return http.request({ method: req.method, url: `${req.baseUrl}${req.path}`, params: req.params, headers: req.headers, data: req.data, signal: either });
      });
    } catch (err) {
      if (req.stop?.aborted) throw req.stop.reason;
      // The axios error holds the request config (Authorization header, form body): keep only its code and message.
      const cause = new Error(isAxiosError(err) ? `${err.code ?? "error"}: ${err.message}` : String(err));
      if (signal?.aborted || (isAxiosError(err) && (err.code === "ETIMEDOUT" || err.code === "ECONNABORTED"))) {
        throw new RequestTimeoutError(`TrueLayer ${req.method} ${req.path} timed out after ${timeoutMs} ms`, context, { cause });
      }
      throw new NetworkError(`TrueLayer ${req.method} ${req.path} failed: ${isAxiosError(err) ? err.code : "network error"}`, context, { cause });
    }
    res.data = jsonOrText(res.data);
    const tlCorrelationId = header(res, "x-tl-correlation-id");
    log.debug(
      { path: req.path, status: res.status, ms: Date.now() - started, connectionId: req.connectionId, correlationId: req.correlationId, tlCorrelationId },
      "truelayer response",
    );
    if (res.status >= 200 && res.status < 300) {
      if (req.emptyOk && (res.data === "" || res.data === undefined || res.data === null)) return res;
      // A gateway's maintenance page served as 200: the bank is down, not our request wrong.
      if (typeof res.data === "string" || /text\/html/i.test(header(res, "content-type") ?? "")) {
        throw new NonJsonResponseError(
          `TrueLayer ${req.method} ${req.path} answered ${res.status} with a non-JSON body (${header(res, "content-type") ?? "no type"})`,
          {
            ...context,
            status: res.status,
            tlCorrelationId,
          },
        );
      }
      return res;
    }
    const body = errorBodySchema.safeParse(res.data);
    throw errorFromResponse({
      ...context,
      status: res.status,
      error: body.success ? body.data.error : undefined,
      description: body.success ? body.data.error_description : undefined,
      tlCorrelationId,
      retryAfterMs: parseRetryAfter(header(res, "retry-after"), new Date(parseHttpDate(header(res, "date")) ?? now().getTime())),
    });
  }

  /** One logical call: retries retryable failures with backoff, honouring Retry-After. */
  async function withRetries(req: Request): Promise<AxiosResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(req);
      } catch (err) {
        if (!isRetryable(err) || attempt >= policy.maxRetries) throw err;
        if (err.retryAfterMs !== undefined && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
        // A Retry-After of 0 (or a date already past) would retry at once: back off as without one.
        const delay = err.retryAfterMs || backoffDelayMs(attempt, policy, random);
        log.warn(
          { code: err.code, attempt: attempt + 1, delayMs: delay, path: req.path, connectionId: req.connectionId, correlationId: req.correlationId },
          "truelayer retry",
        );
        await untilStopped(sleep(delay), req.stop);
      }
    }
  }

  function parse<S extends z.ZodType>(schema: S, res: AxiosResponse, req: Request): z.output<S> {
    const parsed = schema.safeParse(res.data);
    if (parsed.success) return parsed.data;
    // Issue paths and messages only: the payload holds account numbers.
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new UnexpectedResponseError(`TrueLayer ${req.path} sent an unexpected body (${issues.join("; ")})`, {
      status: res.status,
      path: req.path,
      connectionId: req.connectionId,
      correlationId: req.correlationId,
      tlCorrelationId: header(res, "x-tl-correlation-id"),
    });
  }

  async function data<S extends z.ZodType>(
    ctx: CallContext,
    path: string,
    schema: S,
    params?: Record<string, string>,
    baseUrl = dataBase,
  ): Promise<z.output<S>> {
    const correlationId = ctx.correlationId ?? randomUUID();
    const build = (accessToken: string): Request => ({
      method: "GET",
      baseUrl,
      path,
      params,
      headers: {
        Authorization: `Bearer ${accessToken}`,
        Accept: "application/json",
        "X-Client-Correlation-Id": correlationId,
        ...(ctx.psuIp ? { "X-PSU-IP": ctx.psuIp } : {}),
      },
      connectionId: ctx.connectionId,
      correlationId,
      providerId: ctx.providerId ?? "unknown",
      ...(ctx.signal ? { stop: ctx.signal } : {}),
    });
    let req = build(ctx.accessToken);
    let res: AxiosResponse;
    try {
      res = await withRetries(req);
    } catch (err) {
      // 401: refresh once and try again; a second 401 is final.
      if (!(err instanceof UnauthorizedError) || !ctx.refreshAccessToken) throw err;
      log.info({ connectionId: ctx.connectionId, correlationId, path }, "truelayer 401: refreshing the access token once");
      req = build(await ctx.refreshAccessToken());
      res = await withRetries(req);
    }
    return parse(schema, res, req);
  }

  /** `POST /connect/token`, form-encoded as TrueLayer's samples send it. */
  async function token(grant: Record<string, string>, context: { connectionId?: string; correlationId?: string }): Promise<TokenSet> {
    const correlationId = context.correlationId ?? randomUUID();
    const req: Request = {
      method: "POST",
      baseUrl: authBase,
      path: "/connect/token",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json", "X-Client-Correlation-Id": correlationId },
      data: new URLSearchParams({ ...grant, client_id: options.clientId, client_secret: options.clientSecret }).toString(),
      connectionId: context.connectionId,
      correlationId,
      providerId: "truelayer-auth",
    };
    const issuedAt = now();
    const body = parse(tokenResponseSchema, await withRetries(req), req);
    log.info(
      { connectionId: context.connectionId, correlationId, grant: grant.grant_type, expiresIn: body.expires_in, rotated: Boolean(body.refresh_token) },
      "truelayer token issued",
    );
    const sent = grant.refresh_token ?? "";
    return {
      accessToken: body.access_token,
      // Rotation is not documented: keep the one we sent when none comes back.
      refreshToken: body.refresh_token ?? sent,
      refreshTokenRotated: body.refresh_token !== undefined && body.refresh_token !== sent,
      expiresAt: new Date(issuedAt.getTime() + body.expires_in * 1000),
      expiresIn: body.expires_in,
      scope: body.scope,
      tokenType: body.token_type,
    };
  }

  async function deleteConnection(ctx: CallContext): Promise<void> {
    const correlationId = ctx.correlationId ?? randomUUID();
    const build = (accessToken: string): Request => ({
      method: "DELETE",
      baseUrl: authBase,
      path: "/api/delete",
      headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json", "X-Client-Correlation-Id": correlationId },
      connectionId: ctx.connectionId,
      correlationId,
      providerId: ctx.providerId ?? "truelayer-auth",
      emptyOk: true,
    });
    try {
      await withRetries(build(ctx.accessToken));
    } catch (err) {
      if (!(err instanceof UnauthorizedError) || !ctx.refreshAccessToken) throw err;
      await withRetries(build(await ctx.refreshAccessToken()));
    }
    log.info({ connectionId: ctx.connectionId, correlationId }, "truelayer connection deleted");
  }

  // One list schema per item schema, built once: zod compiles each new object schema on its first
  // parse, which a schema built per call repeated on every request (measured: a sixth of a call's CPU).
  const lists = new Map<z.ZodType, z.ZodType>();
  const list = <S extends z.ZodType>(item: S): ReturnType<typeof resultsOf<S>> => {
    let schema = lists.get(item);
    if (!schema) {
      schema = resultsOf(item);
      lists.set(item, schema);
    }
    return schema as ReturnType<typeof resultsOf<S>>;
  };
  const one = async <S extends z.ZodType>(ctx: CallContext, path: string, item: S): Promise<z.output<S>> => {
    const { results } = (await data(ctx, path, list(item))) as { results: z.output<S>[] };
    if (results.length === 0) throw new UnexpectedResponseError(`TrueLayer ${path} returned no result`, { path, connectionId: ctx.connectionId });
    return results[0]!;
  };
  const many = async <S extends z.ZodType>(ctx: CallContext, path: string, item: S, params?: Record<string, string>): Promise<z.output<S>[]> =>
    ((await data(ctx, path, list(item), params)) as { results: z.output<S>[] }).results;
  /** An id from the bank as a path segment; one no URL can carry (a lone surrogate) is the bank's fault, not a crash. */
  const enc = (id: string): string => {
    try {
      return encodeURIComponent(id);
    } catch (err) {
      throw new UnexpectedResponseError("TrueLayer sent an account id that cannot be put in a URL", {}, { cause: err });
    }
  };
  const looseList = resultsOf(z.unknown());

  const transactionsPath = (source: TransactionSource) =>
    `/${source.kind === "card" ? "cards" : "accounts"}/${enc(source.accountId)}/transactions${source.range ? "" : "/pending"}`;

  async function listTransactions(ctx: CallContext, source: TransactionSource): Promise<TransactionList> {
    const path = transactionsPath(source);
    const { results } = await data(ctx, path, looseList, source.range ? { from: source.range.from, to: source.range.to } : undefined);
    return parseTransactions(ctx, path, results);
  }

  async function requestTransactionsAsync(ctx: CallContext, source: TransactionSource & { range: DateRange }, webhookUri: string): Promise<AsyncTask> {
    const params = { from: source.range.from, to: source.range.to, async: "true", webhook_uri: webhookUri };
    const task = await data(ctx, transactionsPath(source), asyncResponseSchema, params);
    return { taskId: task.task_id, resultsUri: task.results_uri };
  }

  async function getTransactionResults(ctx: CallContext, resultsUri: string): Promise<TransactionList> {
    const url = URL.canParse(resultsUri) ? new URL(resultsUri) : undefined;
    const own = new URL(`${dataBase}/`);
    // Same scheme, host and port as the configured Data API, and under its path: nothing else gets the token.
    if (!url || url.origin !== own.origin || !url.pathname.startsWith(own.pathname) || url.username || url.password) {
      throw new ForeignResultsUriError(`results_uri is not on the configured TrueLayer data host (${own.host})`, { connectionId: ctx.connectionId });
    }
    const params = Object.fromEntries(url.searchParams);
    const { results } = await data(ctx, url.pathname, looseList, Object.keys(params).length ? params : undefined, url.origin);
    return parseTransactions(ctx, url.pathname, results);
  }

  function parseTransactions(ctx: CallContext, path: string, results: unknown[]): TransactionList {
    const list: TransactionList = { transactions: [], rejected: [] };
    results.forEach((raw, index) => {
      const parsed = transactionSchema.safeParse(raw);
      if (parsed.success) {
        list.transactions.push(parsed.data);
        return;
      }
      list.rejected.push({ index, ...providerIdOf(raw), reason: issuesOf(parsed.error) });
    });
    if (list.rejected.length)
      log.warn({ path, connectionId: ctx.connectionId, rejected: list.rejected.length }, "truelayer transactions refused by the schema");
    return list;
  }

  async function listAccounts(ctx: CallContext, kind: "account" | "card"): Promise<AccountList<Account> | AccountList<Card>> {
    const path = kind === "card" ? "/cards" : "/accounts";
    const schema = kind === "card" ? cardSchema : accountSchema;
    const { results } = await data(ctx, path, looseList);
    const list: AccountList<Account | Card> = { accounts: [], rejected: [] };
    results.forEach((raw, index) => {
      const parsed = schema.safeParse(raw);
      if (parsed.success) list.accounts.push(parsed.data);
      else {
        const id = raw && typeof raw === "object" ? (raw as Record<string, unknown>).account_id : undefined;
        list.rejected.push({ index, ...(typeof id === "string" && id.length > 0 ? { accountId: id } : {}), reason: issuesOf(parsed.error) });
      }
    });
    if (list.rejected.length)
      log.warn({ path, connectionId: ctx.connectionId, rejected: list.rejected.length }, "truelayer list entries refused by the schema");
    return list as AccountList<Account> | AccountList<Card>;
  }

  return {
    async exchangeCode(code, redirectUri, context = {}) {
      const tokens = await token({ grant_type: "authorization_code", code, redirect_uri: redirectUri }, context);
      if (!tokens.refreshToken)
        throw new UnexpectedResponseError("TrueLayer issued no refresh token: was offline_access requested?", { path: "/connect/token" });
      return tokens;
    },
    refreshToken: (refreshToken, context = {}) => token({ grant_type: "refresh_token", refresh_token: refreshToken }, context),
    deleteConnection,
    getMe: (ctx) => one(ctx, "/me", meSchema),
    getInfo: (ctx) => one(ctx, "/info", infoSchema),
    getAccounts: (ctx) => many(ctx, "/accounts", accountSchema),
    listAccounts: listAccounts as TrueLayerClient["listAccounts"],
    getBalance: async (ctx, id) => one(ctx, `/accounts/${enc(id)}/balance`, balanceSchema),
    getTransactions: async (ctx, id, range) => many(ctx, `/accounts/${enc(id)}/transactions`, transactionSchema, { from: range.from, to: range.to }),
    getPendingTransactions: async (ctx, id) => many(ctx, `/accounts/${enc(id)}/transactions/pending`, transactionSchema),
    getStandingOrders: async (ctx, id) => many(ctx, `/accounts/${enc(id)}/standing_orders`, standingOrderSchema),
    getDirectDebits: async (ctx, id) => many(ctx, `/accounts/${enc(id)}/direct_debits`, directDebitSchema),
    getCards: (ctx) => many(ctx, "/cards", cardSchema),
    getCardBalance: async (ctx, id) => one(ctx, `/cards/${enc(id)}/balance`, cardBalanceSchema),
    getCardTransactions: async (ctx, id, range) => many(ctx, `/cards/${enc(id)}/transactions`, transactionSchema, { from: range.from, to: range.to }),
    getCardPendingTransactions: async (ctx, id) => many(ctx, `/cards/${enc(id)}/transactions/pending`, transactionSchema),
    listTransactions,
    requestTransactionsAsync,
    getTransactionResults,
  };
}

/** The bank's id of a transaction that failed to parse, when it is a sensible string. */
/** The first issues of a refused body, by path: no values (bank text can hold personal data). */
function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}

function providerIdOf(raw: unknown): { providerId?: string } {
  if (!raw || typeof raw !== "object") return {};
  const r = raw as Record<string, unknown>;
  for (const v of [r.normalised_provider_transaction_id, r.provider_transaction_id, r.transaction_id]) {
    if (typeof v === "string" && v.length > 0 && v.length <= 256) return { providerId: v };
  }
  return {};
}

/** A body as JSON when it is JSON, else the text itself (a gateway's page), as axios's own transform did. */
function jsonOrText(body: unknown): unknown {
  if (typeof body !== "string" || body === "") return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function header(res: AxiosResponse, name: string): string | undefined {
  const value: unknown = res.headers[name];
  return typeof value === "string" ? value : undefined;
}
