import { z } from "zod";

/** An error the data API answers with, for the requests it matches. */
export const errorRuleSchema = z.object({
  status: z.number().int().min(400).max(599),
  error: z.string().min(1),
  error_description: z.string().optional(),
  /** Share of matching requests that fail (0–1). */
  probability: z.number().min(0).max(1).default(1),
  /** Fail only this many matching requests, then stop (a storm that passes). */
  times: z.number().int().positive().optional(),
  /** Only requests whose data path contains this text, e.g. "/transactions" or "/cards". */
  path: z.string().optional(),
  /** `Retry-After` header: seconds, or an HTTP date. Absent: no header. */
  retry_after: z.union([z.number().int().nonnegative(), z.string()]).optional(),
});
export type ErrorRule = z.infer<typeof errorRuleSchema>;

/** Requests that never get an answer in time: the socket is held, then dropped. */
export const timeoutRuleSchema = z.object({
  probability: z.number().min(0).max(1).default(1),
  times: z.number().int().positive().optional(),
  path: z.string().optional(),
  /** How long the simulator holds the request before it drops the connection. */
  hang_ms: z.number().int().positive().default(30_000),
});
export type TimeoutRule = z.infer<typeof timeoutRuleSchema>;

/** Data requests answered 200 with an HTML maintenance page, as a bank's gateway does. */
export const maintenanceRuleSchema = z.object({
  probability: z.number().min(0).max(1).default(1),
  times: z.number().int().positive().optional(),
  path: z.string().optional(),
});
export type MaintenanceRule = z.infer<typeof maintenanceRuleSchema>;

/** Hostile data: fields served over the simulator's own JSON of one object, and fields left out. */
export const fieldOverrideSchema = z.object({
  fields: z.record(z.string(), z.unknown()).default({}),
  omit: z.array(z.string()).default([]),
});
export type FieldOverride = z.infer<typeof fieldOverrideSchema>;

/** A user's switches. Every field has a default that behaves like a healthy UK bank. */
export const scenarioSchema = z.object({
  /** Lifetime of issued access tokens (TrueLayer: at most 3600 s). */
  access_token_ttl_seconds: z.number().int().positive().max(3600).default(3600),
  /** true: every refresh returns a new refresh token and retires the old one. false: none returned. */
  rotate_refresh_token: z.boolean().default(true),
  /** `revoked` makes refreshes fail with invalid_grant and data calls with 403 access_denied at once. */
  consent: z.enum(["authorised", "revoked"]).default("authorised"),
  /** Consent lasts this long from the user's (re)authorisation; afterwards it behaves as revoked. */
  consent_days: z.number().int().positive().default(90),
  errors: z.array(errorRuleSchema).default([]),
  timeouts: z.array(timeoutRuleSchema).default([]),
  /** Added to every data response. */
  latency_ms: z.number().int().nonnegative().default(0),
  /** History older than this many days needs the user present... */
  sca_max_history_days: z.number().int().positive().default(90),
  /** ...unless the request comes within this many minutes of the consent (0: no window). null: never enforced. */
  sca_window_minutes: z.number().int().nonnegative().nullable().default(5),
  /** PSD2: calls a day per (account, endpoint) without X-PSU-IP. null: unlimited. */
  unattended_limit: z.number().int().nonnegative().nullable().default(4),
  /** TrueLayer's `transaction_id` may change between calls; the normalised id never does. */
  unstable_transaction_ids: z.boolean().default(true),
  /** Pages served instead of data (status 200, text/html). */
  maintenance_pages: z.array(maintenanceRuleSchema).default([]),
  /** Appended to every account and card id served (hostile ids such as "#1"); paths take it encoded. */
  account_id_suffix: z.string().default(""),
  /** Accounts and cards the bank stops listing, with no 404: their own endpoints still answer. */
  unlisted_accounts: z.array(z.string()).default([]),
  /**
   * By account or card id: fields served over its JSON in `/accounts` and `/cards` (e.g. a
   * currency of "gbp", another account's id, a number where a string goes), or left out.
   */
  account_overrides: z.record(z.string(), fieldOverrideSchema).default({}),
  /** By account or card id: fields served over its balance (e.g. `current: "12,50"`), or left out. */
  balance_overrides: z.record(z.string(), fieldOverrideSchema).default({}),
});
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Status codes of the error codes TrueLayer documents, for `error.<code>` users. */
export const ERROR_STATUS: Record<string, number> = {
  validation_error: 400,
  invalid_date_range: 400,
  unauthorized: 401,
  invalid_token: 401,
  access_denied: 403,
  sca_exceeded: 403,
  account_not_found: 404,
  provider_too_many_requests: 429,
  provider_request_limit_exceeded: 429,
  internal_server_error: 500,
  internal_error: 500,
  endpoint_not_supported: 501,
  provider_error: 503,
  connector_overload: 503,
  temporarily_unavailable: 503,
  account_temporarily_locked: 503,
  connector_timeout: 504,
  provider_timeout: 504,
};

/**
 * TrueLayer's sandbox convention: a user named `error.<code>` fails every data call with that
 * code. Returns the scenario input for such a name, or undefined for any other user.
 */
export function scenarioForUserName(userId: string): ScenarioInput | undefined {
  const match = /^error\.([a-z_]+)$/.exec(userId);
  if (!match) return undefined;
  const error = match[1]!;
  return { errors: [{ status: ERROR_STATUS[error] ?? 500, error }] };
}

/** Merges a partial scenario into an existing one; arrays are replaced, not appended. */
export function mergeScenario(current: Scenario, patch: ScenarioInput): Scenario {
  return scenarioSchema.parse({ ...current, ...patch });
}
