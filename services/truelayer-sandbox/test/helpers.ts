import { afterAll } from "vitest";
import { type RunningSandbox, type SandboxOptions, startSandbox } from "../src/index";

const running: RunningSandbox[] = [];
// Registered once per test file, so simulators started inside tests are stopped too.
afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A simulator for one test file, stopped when the file ends. */
export async function sandboxForFile(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ seed: "tests", now: new Date("2025-06-15T12:00:00Z"), ...options });
  running.push(sandbox);
  return sandbox;
}

export interface Served {
  status: number;
  headers: Headers;
  body: unknown;
}

/** GET a Data API path with a bearer token (and optionally the user present). */
export async function getData(sandbox: RunningSandbox, path: string, accessToken: string, psuIp?: string): Promise<Served> {
  const res = await fetch(`${sandbox.dataUrl}${path}`, {
    headers: { Authorization: `Bearer ${accessToken}`, ...(psuIp ? { "X-PSU-IP": psuIp } : {}) },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export async function postToken(sandbox: RunningSandbox, form: Record<string, string>): Promise<Served> {
  const res = await fetch(`${sandbox.authUrl}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: "sandbox-client", client_secret: "sandbox-secret", ...form }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

export interface TlTransaction {
  transaction_id: string;
  normalised_provider_transaction_id: string;
  timestamp: string;
  description: string;
  amount: number;
  transaction_type: "DEBIT" | "CREDIT";
  transaction_category: string;
  transaction_classification: string[];
  merchant_name?: string;
}

export function results<T = TlTransaction>(served: Served): T[] {
  return (served.body as { results: T[] }).results;
}
