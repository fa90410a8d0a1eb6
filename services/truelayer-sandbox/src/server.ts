import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@expenzez/logger";
import { handleAdmin, type RequestRecord } from "./admin-api";
import { createSandboxAdmin, type SandboxAdmin } from "./admin-client";
import { handleDeleteConnection, handleToken } from "./auth-api";
import { handleData } from "./data-api";
import { sendError, sendJson } from "./http";
import { type SandboxConfigInput, SandboxState, sandboxConfigSchema } from "./state";
import { createAsyncCalls, createWebhookSigner, type WebhookDelivery, type WebhookSigner } from "./webhooks";

export interface SandboxOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
  /** Same seed, same data. */
  seed?: string;
  config?: SandboxConfigInput;
  /** The simulator's base clock (admin calls move it on from here). Default: real time. */
  now?: Date | (() => number);
  /** Logs one debug line per auth/data request (never a token). */
  logger?: Logger;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  /** TrueLayer auth base: POST `${authUrl}/connect/token`. */
  authUrl: string;
  /** Data API base: `${dataUrl}/accounts`. */
  dataUrl: string;
  admin: SandboxAdmin;
  state: SandboxState;
  /** Public keys of the webhook signer (also at `${url}/.well-known/jwks`), when signing is on. */
  jwks?: WebhookSigner["jwks"];
  /** Resolves when every scheduled webhook has been attempted. */
  webhooksSettled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the TrueLayer simulator on loopback.
 *
 * @example
 * const sandbox = await startSandbox({ seed: "demo" });
 * const { tokens } = await sandbox.admin.createUser({ history_days: 365 });
 * await fetch(`${sandbox.dataUrl}/accounts`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
 * await sandbox.stop();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const config = sandboxConfigSchema.parse(options.config ?? {});
  const fixed = options.now;
  const baseNow =
    fixed === undefined
      ? Date.now
      : typeof fixed === "function"
        ? fixed
        : (() => {
            const start = fixed.getTime();
            const startedAt = Date.now();
            // A fixed start that still moves forward in real time, so token expiry works as usual.
            return () => start + (Date.now() - startedAt);
          })();
  const state = new SandboxState(config, options.seed ?? "expenzez", baseNow);
  const requests: RequestRecord[] = [];
  let base = "";
  let signer: WebhookSigner | undefined;
  const calls = createAsyncCalls({ resultsBase: () => `${base}/data/v1`, delayMs: config.async_delay_ms, signer: () => signer, now: () => state.now() });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, "internal_server_error", err instanceof Error ? err.message : "Internal server error.");
      else res.destroy();
    });
  });
  // Node's default closes an idle keep-alive socket after 5 s. A client sharing a loaded event
  // loop with the simulator (every in-process test) can reuse such a socket after the server
  // closed it, and its next request fails with ECONNRESET (seen once in ~900 cases of the hostile
  // sync suite at load 16+). A 30 s idle limit keeps the sockets of a running test alive.
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    if (path.startsWith("/data/v1/") || path.startsWith("/connect/") || path === "/api/delete") record(req, res, path);
    if (path === "/connect/token") return handleToken(state, req, res);
    if (path === "/api/delete") return handleDeleteConnection(state, req, res);
    if (path.startsWith("/data/v1/")) return handleData(state, calls, req, res, url, path.slice("/data/v1".length));
    if (path.startsWith("/admin/")) return handleAdmin(state, req, res, path, { requests, deliveries: calls.deliveries });
    if (path === "/.well-known/jwks") return signer ? sendJson(res, 200, signer.jwks) : sendError(res, 404, "not_found", "Webhook signing is off.");
    return sendError(res, 404, "not_found", `No route for ${path}.`);
  }

  function record(req: IncomingMessage, res: ServerResponse, path: string): void {
    // Whose token it is, read before the request is handled (a revocation deletes it).
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const checked = token ? state.checkAccessToken(token) : undefined;
    res.on("finish", () => {
      requests.push({
        at: new Date(state.now()).toISOString(),
        method: req.method ?? "GET",
        path,
        status: res.statusCode,
        user_id: checked && "user" in checked ? checked.user.spec.userId : undefined,
        correlation_id: header(req, "x-client-correlation-id"),
        psu_ip: header(req, "x-psu-ip"),
      });
      // A ring: memory stays flat however long the simulator runs.
      if (requests.length > 2000) requests.shift();
      const { method, path: seenPath, status, user_id, correlation_id } = requests[requests.length - 1]!;
      options.logger?.debug({ method, path: seenPath, status, userId: user_id, correlationId: correlation_id }, "request");
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  base = `http://${options.host ?? "127.0.0.1"}:${address.port}`;
  if (config.sign_webhooks) signer = await createWebhookSigner(`${base}/.well-known/jwks`);

  return {
    url: base,
    authUrl: base,
    dataUrl: `${base}/data/v1`,
    admin: createSandboxAdmin(base),
    state,
    jwks: signer?.jwks,
    webhooksSettled: () => calls.settled(),
    async stop() {
      await calls.settled();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export type { WebhookDelivery };
