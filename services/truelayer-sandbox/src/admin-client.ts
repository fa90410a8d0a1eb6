import type { AddTransaction, RequestRecord } from "./admin-api";
import { AdminCallError } from "./errors";
import type { Scenario, ScenarioInput } from "./scenarios";
import type { NewUser, TokenPair } from "./state";
import type { WebhookDelivery } from "./webhooks";

export interface SandboxUserInfo {
  user_id: string;
  credentials_id: string;
  history_start: string;
  consent_at: string;
  consent_expires_at: string;
  accounts: Array<{ account_id: string; kind: "current" | "savings" | "card"; display_name: string }>;
  scenario: Scenario;
}

/** Typed helpers for the simulator's admin API (the same calls curl can make). */
export interface SandboxAdmin {
  /** Creates a user and authorises it: the reply holds its first token pair. */
  createUser(input?: NewUser): Promise<SandboxUserInfo & { tokens: TokenPair }>;
  getUser(userId: string): Promise<SandboxUserInfo>;
  /** Merges switches into the user's scenario (arrays replace); resets rule hit counts. */
  setScenario(userId: string, patch: ScenarioInput): Promise<Scenario>;
  /** Replaces the user's scenario with defaults plus `scenario`. */
  replaceScenario(userId: string, scenario: ScenarioInput): Promise<Scenario>;
  /** The user reconnects: consent restarts and a fresh token pair is issued. */
  authorise(userId: string): Promise<TokenPair>;
  addTransaction(
    userId: string,
    input: AddTransaction,
  ): Promise<{ normalised_provider_transaction_id: string; pending_normalised_provider_transaction_id: string; day: string }>;
  advanceClock(by: { seconds?: number; days?: number }): Promise<Date>;
  setClock(at: Date): Promise<Date>;
  now(): Promise<Date>;
  requests(): Promise<RequestRecord[]>;
  webhooks(): Promise<WebhookDelivery[]>;
}

/**
 * @example
 * const admin = createSandboxAdmin("http://127.0.0.1:4010");
 * const { tokens, accounts } = await admin.createUser({ history_days: 365 });
 * await admin.setScenario("john", { errors: [{ status: 503, error: "provider_error", times: 2 }] });
 */
export function createSandboxAdmin(baseUrl: string): SandboxAdmin {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed: unknown = await res.json();
    if (!res.ok) throw new AdminCallError(`${method} ${path} answered ${res.status}: ${JSON.stringify(parsed)}`, res.status, parsed);
    return parsed as T;
  }
  const user = (id: string) => `/admin/users/${encodeURIComponent(id)}`;
  const clock = async (body: unknown) => new Date((await call<{ now: string }>("POST", "/admin/clock", body)).now);
  return {
    createUser: (input = {}) => call("POST", "/admin/users", input),
    getUser: (id) => call("GET", user(id)),
    setScenario: (id, patch) => call("PATCH", `${user(id)}/scenario`, patch),
    replaceScenario: (id, scenario) => call("PUT", `${user(id)}/scenario`, scenario),
    authorise: (id) => call("POST", `${user(id)}/authorise`, {}),
    addTransaction: (id, input) => call("POST", `${user(id)}/transactions`, input),
    advanceClock: ({ seconds = 0, days = 0 }) => clock({ advance_seconds: seconds, advance_days: days }),
    setClock: (at) => clock({ set: at.toISOString() }),
    now: async () => new Date((await call<{ now: string }>("GET", "/admin/clock")).now),
    requests: async () => (await call<{ requests: RequestRecord[] }>("GET", "/admin/requests")).requests,
    webhooks: async () => (await call<{ deliveries: WebhookDelivery[] }>("GET", "/admin/webhooks")).deliveries,
  };
}
