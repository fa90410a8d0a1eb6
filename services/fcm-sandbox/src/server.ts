import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportPKCS8, exportSPKI, generateKeyPair, importSPKI, jwtVerify } from "jose";
import { z } from "zod";
import { FCM_SCOPE, type FcmMessage, sendRequestSchema } from "./message-shape";

/** A Google service-account key file, as the console downloads it (the fields a client reads). */
export interface ServiceAccountKey {
  type: "service_account";
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

/** One request the stand-in received, with what it answered. */
export interface RecordedRequest {
  at: string;
  path: string;
  status: number;
  /** The FCM error code it answered with (`UNREGISTERED`, `QUOTA_EXCEEDED`, …). */
  errorCode?: string;
  message?: FcmMessage;
}

export interface Storm {
  /** HTTP status to answer: 429 (QUOTA_EXCEEDED), 500 (INTERNAL) or 503 (UNAVAILABLE). */
  status: 429 | 500 | 503;
  /** How many send requests fail before it passes. */
  count: number;
  /** Retry-After header in seconds, when set. */
  retryAfterSeconds?: number;
}

export interface FcmSandboxOptions {
  port?: number;
  host?: string;
  projectId?: string;
  /** Access token lifetime in seconds (Google: 3600). */
  tokenTtlSeconds?: number;
}

export interface RunningFcmSandbox {
  url: string;
  /** OAuth2 token endpoint (Google's is https://oauth2.googleapis.com/token). */
  tokenUrl: string;
  /** FCM base (Google's is https://fcm.googleapis.com). */
  fcmUrl: string;
  projectId: string;
  /** A service-account key whose public half this stand-in trusts; its `token_uri` points here. */
  serviceAccount: ServiceAccountKey;
  /** Device tokens FCM should answer `UNREGISTERED` for. */
  unregister(...tokens: string[]): void;
  /** The next `count` send requests fail with `status`. */
  storm(storm: Storm): void;
  /** Accepted messages (validate_only ones excluded), in order. */
  delivered(): FcmMessage[];
  requests(): RecordedRequest[];
  reset(): void;
  stop(): Promise<void>;
}

const STATUS_NAME: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};
const FCM_ERROR_CODE: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "THIRD_PARTY_AUTH_ERROR",
  403: "SENDER_ID_MISMATCH",
  404: "UNREGISTERED",
  429: "QUOTA_EXCEEDED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Google's error envelope with the FcmError detail FCM adds. */
function fcmError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, fcmCode = FCM_ERROR_CODE[status]): string {
  send(
    res,
    status,
    {
      error: {
        code: status,
        message,
        status: STATUS_NAME[status] ?? "UNKNOWN",
        ...(fcmCode ? { details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: fcmCode }] } : {}),
      },
    },
    headers,
  );
  return fcmCode ?? STATUS_NAME[status] ?? "UNKNOWN";
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // FCM's message limit is 4 KB of payload; a whole request far past that is refused.
    if (size > 64_000) throw new RangeError("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const assertionClaims = z.object({ iss: z.string(), scope: z.string(), aud: z.string(), iat: z.number(), exp: z.number() });

/**
 * Starts a local stand-in for Google's OAuth2 token endpoint and FCM HTTP v1 `messages:send`.
 * It checks what Google checks that matters to a sender — the service-account JWT (RS256,
 * issuer, audience, scope, at most an hour), the bearer token, the project, the v1 message
 * shape — records every request, and has switches for unregistered tokens and error storms.
 * Nothing here talks to Google.
 *
 * @example
 * const fcm = await startFcmSandbox();
 * fcm.unregister("dead-token");
 * fcm.storm({ status: 429, count: 2, retryAfterSeconds: 1 });
 */
export async function startFcmSandbox(options: FcmSandboxOptions = {}): Promise<RunningFcmSandbox> {
  const projectId = options.projectId ?? "expenzez-local";
  const ttl = options.tokenTtlSeconds ?? 3600;
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const publicPem = await exportSPKI(publicKey);
  const verifyKey = await importSPKI(publicPem, "RS256");
  const privatePem = await exportPKCS8(privateKey);
  const clientEmail = `fcm-sender@${projectId}.iam.gserviceaccount.com`;
  const tokens = new Map<string, number>();
  const unregistered = new Set<string>();
  let storm: Storm | undefined;
  let requests: RecordedRequest[] = [];
  let base = "";

  const record = (r: Omit<RecordedRequest, "at">) => requests.push({ at: new Date().toISOString(), ...r });

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      send(res, 400, { error: "unsupported_grant_type", error_description: "Invalid grant_type." });
      return;
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get("assertion") ?? "", verifyKey, { issuer: clientEmail, audience: `${base}/token` });
      const claims = assertionClaims.parse(payload);
      if (protectedHeader.kid !== "sandbox-key") throw new Error("unknown key id");
      if (!claims.scope.split(" ").includes(FCM_SCOPE)) throw new Error("scope lacks firebase.messaging");
      if (claims.exp - claims.iat > 3600) throw new Error("assertion lives longer than an hour");
    } catch (err) {
      send(res, 400, { error: "invalid_grant", error_description: `Invalid JWT: ${err instanceof Error ? err.message : "rejected"}` });
      return;
    }
    const accessToken = `ya29.sandbox-${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, Date.now() + ttl * 1000);
    send(res, 200, { access_token: accessToken, expires_in: ttl - 1, token_type: "Bearer" });
  }

  async function messagesSend(req: IncomingMessage, res: ServerResponse, path: string, project: string): Promise<void> {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const expiresAt = bearer ? tokens.get(bearer) : undefined;
    if (!expiresAt || expiresAt < Date.now()) {
      const code = fcmError(res, 401, "Request had invalid authentication credentials. Expected OAuth 2 access token.", {}, undefined);
      record({ path, status: 401, errorCode: code });
      return;
    }
    if (project !== projectId) {
      record({ path, status: 403, errorCode: fcmError(res, 403, "SenderId mismatch") });
      return;
    }
    let parsed: ReturnType<typeof sendRequestSchema.safeParse>;
    try {
      parsed = sendRequestSchema.safeParse(JSON.parse(await readBody(req)));
    } catch {
      record({ path, status: 400, errorCode: fcmError(res, 400, "Invalid JSON payload received.") });
      return;
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      record({ path, status: 400, errorCode: fcmError(res, 400, `Invalid value at '${issue?.path.join(".") || "message"}': ${issue?.message}`) });
      return;
    }
    const { message, validate_only } = parsed.data;
    if (storm && storm.count > 0) {
      storm.count--;
      const headers: Record<string, string> = storm.retryAfterSeconds !== undefined ? { "Retry-After": String(storm.retryAfterSeconds) } : {};
      const status = storm.status;
      if (storm.count === 0) storm = undefined;
      record({
        path,
        status,
        errorCode: fcmError(res, status, status === 429 ? "Quota exceeded." : "The service is currently unavailable.", headers),
        message,
      });
      return;
    }
    if (message.token && !/^[A-Za-z0-9_:-]{8,4096}$/.test(message.token)) {
      record({ path, status: 400, errorCode: fcmError(res, 400, "The registration token is not a valid FCM registration token"), message });
      return;
    }
    if (message.token && unregistered.has(message.token)) {
      record({ path, status: 404, errorCode: fcmError(res, 404, "Requested entity was not found."), message });
      return;
    }
    const name = `projects/${projectId}/messages/${validate_only ? "fake_message_id" : randomUUID()}`;
    record({ path, status: 200, message: validate_only ? undefined : message });
    send(res, 200, { name });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", base).pathname;
    if (req.method === "POST" && path === "/token") return token(req, res);
    const sendPath = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(path);
    if (req.method === "POST" && sendPath) return messagesSend(req, res, path, decodeURIComponent(sendPath[1] ?? ""));
    fcmError(res, 404, `Not found: ${req.method} ${path}`, {}, undefined);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) fcmError(res, 500, err instanceof Error ? err.message : "internal error");
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  base = `http://${options.host ?? "127.0.0.1"}:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    tokenUrl: `${base}/token`,
    fcmUrl: base,
    projectId,
    serviceAccount: {
      type: "service_account",
      project_id: projectId,
      private_key_id: "sandbox-key",
      private_key: privatePem,
      client_email: clientEmail,
      token_uri: `${base}/token`,
    },
    unregister: (...t) => {
      for (const x of t) unregistered.add(x);
    },
    storm: (s) => {
      storm = { ...s };
    },
    delivered: () => requests.filter((r) => r.status === 200 && r.message).map((r) => r.message as FcmMessage),
    requests: () => [...requests],
    reset: () => {
      requests = [];
      unregistered.clear();
      storm = undefined;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
