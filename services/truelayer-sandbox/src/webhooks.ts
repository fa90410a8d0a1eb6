import { randomUUID } from "node:crypto";
import { CompactSign, type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";
import type { AsyncCalls } from "./data-api";

/** One webhook the simulator POSTed, as tests want to see it. */
export interface WebhookDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number | "failed";
}

/** ES512 key of the simulated TrueLayer webhook signer; its public half is served as a JWKS. */
export interface WebhookSigner {
  kid: string;
  jwks: { keys: JWK[] };
  /** `Tl-Signature` for a POST to `path` with this timestamp header and body. */
  sign(path: string, timestamp: string, body: string): Promise<string>;
}

/**
 * A signer shaped like TrueLayer's: a detached JWS (ES512, tl_version 2) over
 * "POST <path>\nX-Tl-Webhook-Timestamp: <ts>\n<body>", with a `jku` naming our JWKS. Built with
 * jose because truelayer-signing's `sign` cannot add `jku`; its `verify` accepts the result.
 */
export async function createWebhookSigner(jku: string): Promise<WebhookSigner> {
  const { privateKey, publicKey } = await generateKeyPair("ES512", { extractable: true });
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES512", use: "sig" };
  return {
    kid,
    jwks: { keys: [jwk] },
    async sign(path, timestamp, body) {
      const payload = `POST ${path}\nX-Tl-Webhook-Timestamp: ${timestamp}\n${body}`;
      const jws = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: "ES512", kid, tl_version: "2", tl_headers: "X-Tl-Webhook-Timestamp", jku })
        .sign(privateKey as CryptoKey);
      const [header, , signature] = jws.split(".");
      return `${header}..${signature}`;
    },
  };
}

/** Async data calls: results kept for `results_uri`, a v1 webhook POSTed after a delay. */
export function createAsyncCalls(options: {
  resultsBase: () => string;
  delayMs: number;
  signer?: () => WebhookSigner | undefined;
  now: () => number;
}): AsyncCalls & { deliveries: WebhookDelivery[]; settled(): Promise<void> } {
  const results = new Map<string, { status: number; body: unknown }>();
  const inFlight = new Set<Promise<void>>();
  const deliveries: WebhookDelivery[] = [];

  async function deliver(url: string, payload: unknown): Promise<void> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { "Content-Type": "application/json", "X-Tl-Webhook-Timestamp": new Date(options.now()).toISOString() };
    const signer = options.signer?.();
    if (signer) headers["Tl-Signature"] = await signer.sign(new URL(url).pathname, headers["X-Tl-Webhook-Timestamp"]!, body);
    let status: number | "failed";
    try {
      const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5000) });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = "failed";
    }
    deliveries.push({ url, body, headers, status });
    if (deliveries.length > 1000) deliveries.shift();
  }

  return {
    deliveries,
    enqueue({ user, requestUri, webhookUri, status, body }) {
      const taskId = randomUUID();
      const resultsUri = `${options.resultsBase()}/results/${taskId}`;
      results.set(taskId, { status, body });
      // Bounded: old results go, as TrueLayer's expire.
      if (results.size > 1000) results.delete(results.keys().next().value!);
      if (webhookUri) {
        const payload = {
          request_timestamp: new Date(options.now()).toISOString(),
          request_uri: requestUri,
          results_uri: resultsUri,
          credentials_id: user.credentialsId,
          task_id: taskId,
          status: status >= 200 && status < 300 ? "Succeeded" : "Failed",
        };
        const job = new Promise<void>((resolve) => setTimeout(resolve, options.delayMs)).then(() => deliver(webhookUri, payload));
        inFlight.add(job);
        void job.finally(() => inFlight.delete(job));
      }
      return { results_uri: resultsUri, status: "Queued", task_id: taskId };
    },
    result: (taskId) => results.get(taskId),
    async settled() {
      await Promise.all([...inFlight]);
    },
  };
}
