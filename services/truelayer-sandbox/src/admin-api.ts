import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toMinor } from "@expenzez/money";
import { z } from "zod";
import { DAY_IN_MS, isoDay } from "./calendar";
import { InvalidSandboxInputError, SandboxError } from "./errors";
import type { SimTransaction } from "./generator";
import { readBody, sendJson } from "./http";
import { hexId } from "./random";
import { scenarioSchema } from "./scenarios";
import { newUserSchema, type SandboxState, type SimUser } from "./state";
import type { WebhookDelivery } from "./webhooks";

/** One data or auth request as the simulator saw it (for tests that check headers). */
export interface RequestRecord {
  at: string;
  method: string;
  path: string;
  status: number;
  user_id?: string;
  correlation_id?: string;
  psu_ip?: string;
}

/** A decimal amount that converts to exact pence (toMinor would throw a 500 on anything else). */
const amountSchema = z.union([
  z.number().refine((n) => Math.abs(n) < 1e12, "below 10^12"),
  z
    .string()
    .trim()
    .regex(/^[+-]?\d{1,12}(\.\d+)?$/, "a decimal amount"),
]);

export const addTransactionSchema = z.object({
  account_id: z.string(),
  description: z.string().min(1),
  /** Decimal amount; its sign is ignored: the direction comes from `transaction_type`. */
  amount: amountSchema,
  transaction_type: z.enum(["DEBIT", "CREDIT"]).default("DEBIT"),
  /** When it was authorised; default: the simulator's now. */
  timestamp: z.iso.datetime({ offset: true }).optional(),
  transaction_category: z.string().default("PURCHASE"),
  transaction_classification: z.array(z.string()).max(2).default([]),
  merchant_name: z.string().optional(),
  /** Hours it stays pending before it books (0: booked at once). */
  pending_hours: z.number().nonnegative().default(0),
  /** Added to the amount when it books, like a tip. */
  tip: amountSchema.optional(),
  /** A hold: pending for `pending_hours`, then gone without booking. */
  vanishes: z.boolean().default(false),
  /**
   * Hostile data: fields served as given in the transaction's JSON, over the simulator's own
   * (e.g. `{ "amount": "12,50" }`, a shared `normalised_provider_transaction_id`, a huge
   * description). The ledger (balances) still uses `amount`.
   */
  raw: z.record(z.string(), z.unknown()).optional(),
  /** Fields left out of the JSON, e.g. both provider ids. */
  omit: z.array(z.string()).optional(),
});
export type AddTransaction = z.input<typeof addTransactionSchema>;

const clockSchema = z.object({
  advance_seconds: z.number().optional(),
  advance_days: z.number().optional(),
  set: z.iso.datetime({ offset: true }).optional(),
});

/** Serves `/admin/...`: users, scenarios, transactions, the clock, and what the simulator saw. */
export async function handleAdmin(
  state: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  seen: { requests: RequestRecord[]; deliveries: WebhookDelivery[] },
): Promise<void> {
  try {
    const body = req.method === "GET" ? undefined : await jsonBody(req);
    const reply = dispatch(state, req.method ?? "GET", path, body, seen);
    sendJson(res, reply.status ?? 200, reply.body);
  } catch (err) {
    if (err instanceof SandboxError) return sendJson(res, err.status, { error: err.code, error_description: err.message });
    if (err instanceof z.ZodError) return sendJson(res, 400, { error: "sandbox.invalid_input", error_description: z.prettifyError(err) });
    throw err;
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return text ? JSON.parse(text) : {};
  } catch (err) {
    throw new InvalidSandboxInputError("admin bodies are JSON", { cause: err });
  }
}

function dispatch(
  state: SandboxState,
  method: string,
  path: string,
  body: unknown,
  seen: { requests: RequestRecord[]; deliveries: WebhookDelivery[] },
): { status?: number; body: unknown } {
  const now = () => ({ now: new Date(state.now()).toISOString() });
  if (path === "/admin/health") return { body: { ok: true, ...now() } };
  if (path === "/admin/clock" && method === "GET") return { body: now() };
  if (path === "/admin/clock" && method === "POST") {
    const input = clockSchema.parse(body);
    if (input.set) state.setClock(Date.parse(input.set));
    state.advanceClock((input.advance_seconds ?? 0) * 1000 + (input.advance_days ?? 0) * DAY_IN_MS);
    return { body: now() };
  }
  if (path === "/admin/requests") return { body: { requests: seen.requests } };
  if (path === "/admin/webhooks") return { body: { deliveries: seen.deliveries } };
  if (path === "/admin/users" && method === "POST") {
    const user = state.createUser(newUserSchema.parse(body));
    return { status: 201, body: { ...describeUser(state, user), tokens: state.authorise(user.spec.userId, { reconsent: false }) } };
  }
  const match = /^\/admin\/users\/([^/]+)(\/scenario|\/authorise|\/transactions)?$/.exec(path);
  if (!match) throw new SandboxError("sandbox.not_found", `no admin route ${method} ${path}`, 404);
  const [, userId, sub] = match;
  if (sub === "/authorise" && method === "POST") return { body: state.authorise(userId!) };
  const user = state.user(userId!);
  if (sub === undefined && method === "GET") return { body: describeUser(state, user) };
  if (sub === "/scenario" && (method === "PATCH" || method === "PUT")) {
    const parsed = scenarioSchema.partial().parse(body);
    // zod fills a field's default even in a partial schema: keep only the switches the body
    // names, or a PATCH of `errors` would put `unattended_limit` (and every other switch) back
    // to its default (found by the fault suite: its storms re-armed the daily limit).
    const named = new Set(Object.keys(body as object));
    const patch = Object.fromEntries(Object.entries(parsed).filter(([key]) => named.has(key))) as typeof parsed;
    return { body: state.setScenario(user.spec.userId, patch, method === "PUT") };
  }
  if (sub === "/transactions" && method === "POST") return { status: 201, body: addTransaction(state, user, addTransactionSchema.parse(body)) };
  throw new SandboxError("sandbox.not_found", `no admin route ${method} ${path}`, 404);
}

function describeUser(state: SandboxState, user: SimUser) {
  return {
    user_id: user.spec.userId,
    credentials_id: user.credentialsId,
    history_start: user.spec.historyStart,
    consent_at: new Date(user.consentAt).toISOString(),
    consent_expires_at: new Date(state.consentExpiresAt(user)).toISOString(),
    accounts: user.accounts.map((a) => ({ account_id: a.id, kind: a.kind, display_name: a.displayName })),
    scenario: user.scenario,
  };
}

function addTransaction(state: SandboxState, user: SimUser, input: z.infer<typeof addTransactionSchema>) {
  const acct = user.accounts.find((a) => a.id === input.account_id);
  if (!acct) throw new SandboxError("sandbox.unknown_account", `user ${user.spec.userId} has no account ${input.account_id}`, 404);
  const at = new Date(input.timestamp ?? state.now()).toISOString();
  const txn: SimTransaction = {
    key: `added:${randomUUID()}`,
    day: isoDay(new Date(at)),
    at,
    description: input.description,
    amountMinor: Math.abs(toMinor(input.amount, "GBP")),
    type: input.transaction_type,
    category: input.transaction_category,
    classification: input.transaction_classification,
    merchantName: input.merchant_name,
    providerCategory: "ADDED",
    settleAfterHours: input.pending_hours,
    tipMinor: input.tip === undefined ? undefined : Math.abs(toMinor(input.tip, "GBP")),
    vanishes: input.vanishes,
    ...(input.raw ? { raw: input.raw } : {}),
    ...(input.omit ? { omit: input.omit } : {}),
  };
  const list = user.added.get(acct.id) ?? [];
  list.push(txn);
  user.added.set(acct.id, list);
  return {
    normalised_provider_transaction_id: `txn-${hexId(17, txn.key)}`,
    pending_normalised_provider_transaction_id: `pnd-${hexId(17, txn.key)}`,
    day: txn.day,
  };
}
