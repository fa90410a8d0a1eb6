import { randomBytes, randomUUID } from "node:crypto";
import { z } from "zod";
import { DAY_IN_MS, isoDay } from "./calendar";
import { SandboxError, UnknownUserError } from "./errors";
import { accountsOf, type SimAccount, type SimTransaction, type UserSpec } from "./generator";
import { hexId } from "./random";
import { mergeScenario, type Scenario, type ScenarioInput, scenarioForUserName, scenarioSchema } from "./scenarios";

export const newUserSchema = z.object({
  user_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/)
    .optional(),
  accounts: z.number().int().min(1).max(20).default(2),
  cards: z.number().int().min(0).max(5).default(1),
  history_days: z.number().int().min(1).max(3660).default(730),
  scenario: scenarioSchema.partial().optional(),
});
export type NewUser = z.input<typeof newUserSchema>;

/** The simulator's configuration file / `config` option. */
export const sandboxConfigSchema = z.object({
  client_id: z.string().default("sandbox-client"),
  client_secret: z.string().default("sandbox-secret"),
  /** Scenario every user starts with (before their own). */
  defaults: scenarioSchema.partial().default({}),
  /** Users created at start-up (john and doe are always there). */
  users: z.array(newUserSchema).default([]),
  /** Delay before an async call's webhook is delivered. */
  async_delay_ms: z.number().int().nonnegative().default(20),
  /** Sign webhook deliveries with `Tl-Signature` (ES512; JWKS at /.well-known/jwks). */
  sign_webhooks: z.boolean().default(false),
});
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;
export type SandboxConfigInput = z.input<typeof sandboxConfigSchema>;

export interface SimUser {
  spec: UserSpec;
  accounts: SimAccount[];
  scenario: Scenario;
  credentialsId: string;
  /** Sim-clock ms of the latest (re)authorisation: consent and SCA windows start here. */
  consentAt: number;
  added: Map<string, SimTransaction[]>;
  /** Hits per rule ("errors:0"), for rules with `times`. */
  ruleHits: Map<string, number>;
  /** Unattended calls per `${day} ${endpoint}`; only today's are kept. */
  unattended: Map<string, number>;
  /** Bumped per request so `transaction_id`s change between calls. */
  requests: number;
}

interface AccessToken {
  userId: string;
  expiresAt: number;
}

export interface TokenPair {
  access_token: string;
  expires_in: number;
  token_type: "Bearer";
  refresh_token?: string;
  scope: string;
}

export const SCOPES = "info accounts balance cards transactions direct_debits standing_orders offline_access";
const BUILT_IN_USERS = ["john", "doe"];

/** Everything the simulator remembers. Transactions are not in here: they are generated on demand. */
export class SandboxState {
  readonly users = new Map<string, SimUser>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, string>();
  private offsetMs = 0;

  constructor(
    readonly config: SandboxConfig,
    readonly seed: string,
    private readonly baseNow: () => number,
  ) {
    for (const userId of BUILT_IN_USERS) this.createUser({ user_id: userId });
    for (const user of config.users) this.createUser(user);
  }

  now(): number {
    return this.baseNow() + this.offsetMs;
  }

  advanceClock(ms: number): void {
    this.offsetMs += ms;
  }

  setClock(at: number): void {
    this.offsetMs = at - this.baseNow();
  }

  createUser(input: NewUser): SimUser {
    const parsed = newUserSchema.parse(input);
    const userId = parsed.user_id ?? `user-${randomUUID().slice(0, 8)}`;
    if (this.users.has(userId)) throw new SandboxError("sandbox.user_exists", `user "${userId}" already exists`, 409);
    const now = this.now();
    const spec: UserSpec = {
      userId,
      seed: this.seed,
      accounts: parsed.accounts,
      cards: parsed.cards,
      historyDays: parsed.history_days,
      historyStart: isoDay(new Date(now - parsed.history_days * DAY_IN_MS)),
      providerId: "mock",
    };
    const scenario = scenarioSchema.parse({ ...this.config.defaults, ...scenarioForUserName(userId), ...parsed.scenario });
    const user: SimUser = {
      spec,
      accounts: accountsOf(spec),
      scenario,
      credentialsId: Buffer.from(hexId(32, this.seed, userId, "credentials"), "hex").toString("base64"),
      consentAt: now,
      added: new Map(),
      ruleHits: new Map(),
      unattended: new Map(),
      requests: 0,
    };
    this.users.set(userId, user);
    return user;
  }

  user(userId: string): SimUser {
    const user = this.users.get(userId);
    if (!user) throw new UnknownUserError(userId);
    return user;
  }

  /** A user by id, created on first use for TrueLayer's sandbox names (john, doe, error.*). */
  userOrBuiltIn(userId: string): SimUser {
    return this.users.get(userId) ?? this.createUser({ user_id: userId });
  }

  setScenario(userId: string, patch: ScenarioInput, replace = false): Scenario {
    const user = this.user(userId);
    user.scenario = replace ? scenarioSchema.parse({ ...this.config.defaults, ...patch }) : mergeScenario(user.scenario, patch);
    user.ruleHits.clear();
    return user.scenario;
  }

  /**
   * The user (re)authorises: consent and SCA windows restart, a revoked consent is granted again,
   * and a fresh token pair is issued. `reconsent: false` only issues tokens (a new user's first).
   */
  authorise(userId: string, options: { reconsent?: boolean } = {}): TokenPair {
    const user = this.userOrBuiltIn(userId);
    if (options.reconsent !== false) {
      user.consentAt = this.now();
      if (user.scenario.consent === "revoked") user.scenario = { ...user.scenario, consent: "authorised" };
    }
    return this.issue(user, true);
  }

  consentExpiresAt(user: SimUser): number {
    return user.consentAt + user.scenario.consent_days * DAY_IN_MS;
  }

  consentValid(user: SimUser): boolean {
    return user.scenario.consent === "authorised" && this.now() < this.consentExpiresAt(user);
  }

  /** Exchanges a refresh token; undefined when it is unknown, used or its consent is gone. */
  refresh(refreshToken: string): TokenPair | undefined {
    const userId = this.refreshTokens.get(refreshToken);
    const user = userId ? this.users.get(userId) : undefined;
    if (!user || !this.consentValid(user)) return undefined;
    if (user.scenario.rotate_refresh_token) this.refreshTokens.delete(refreshToken);
    return this.issue(user, user.scenario.rotate_refresh_token);
  }

  /**
   * `DELETE /api/delete`: the consent behind this access token is withdrawn. Every token of the
   * user stops working (data calls answer 401, a refresh `invalid_grant`) until they authorise again.
   * Undefined when the token is unknown or expired.
   */
  revokeConsent(accessToken: string): SimUser | undefined {
    const checked = this.checkAccessToken(accessToken);
    if (!("user" in checked)) return undefined;
    const { user } = checked;
    user.scenario = { ...user.scenario, consent: "revoked" };
    for (const [token, entry] of this.accessTokens) if (entry.userId === user.spec.userId) this.accessTokens.delete(token);
    for (const [token, userId] of this.refreshTokens) if (userId === user.spec.userId) this.refreshTokens.delete(token);
    return user;
  }

  /** The user behind a bearer token, or why there is none. */
  checkAccessToken(token: string): { user: SimUser } | { problem: "unknown" } | { problem: "expired"; expiredAt: number } {
    const entry = this.accessTokens.get(token);
    if (!entry) return { problem: "unknown" };
    if (entry.expiresAt <= this.now()) return { problem: "expired", expiredAt: entry.expiresAt };
    const user = this.users.get(entry.userId);
    return user ? { user } : { problem: "unknown" };
  }

  private issue(user: SimUser, withRefreshToken: boolean): TokenPair {
    const ttl = user.scenario.access_token_ttl_seconds;
    const now = this.now();
    const accessToken = jwtShaped({ sub: user.spec.userId, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + ttl });
    this.pruneExpired(now);
    this.accessTokens.set(accessToken, { userId: user.spec.userId, expiresAt: now + ttl * 1000 });
    const pair: TokenPair = { access_token: accessToken, expires_in: ttl, token_type: "Bearer", scope: SCOPES };
    if (withRefreshToken) {
      const refreshToken = randomBytes(32).toString("hex").toUpperCase();
      this.refreshTokens.set(refreshToken, user.spec.userId);
      pair.refresh_token = refreshToken;
    }
    return pair;
  }

  private pruneExpired(now: number): void {
    // Keeps memory flat however long the simulator runs: expired tokens are only ever rejected.
    if (this.accessTokens.size < 1000) return;
    for (const [token, entry] of this.accessTokens) if (entry.expiresAt + DAY_IN_MS < now) this.accessTokens.delete(token);
  }

  /** Records an unattended call; false when the day's limit for this endpoint is used up. */
  takeUnattended(user: SimUser, endpoint: string): boolean {
    const limit = user.scenario.unattended_limit;
    if (limit === null) return true;
    const day = isoDay(new Date(this.now()));
    for (const key of user.unattended.keys()) if (!key.startsWith(day)) user.unattended.delete(key);
    const key = `${day} ${endpoint}`;
    const used = user.unattended.get(key) ?? 0;
    if (used >= limit) return false;
    user.unattended.set(key, used + 1);
    return true;
  }
}

/** An unsigned JWT-shaped token: opaque to clients, as TrueLayer's are. */
function jwtShaped(payload: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ ...payload, jti: randomUUID() })}.${randomBytes(32).toString("base64url")}`;
}
