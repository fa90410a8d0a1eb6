import { backoffDelay } from "@expenzez/db";
import { parseRetryAfter } from "@expenzez/truelayer";
import { importPKCS8, SignJWT } from "jose";
import { z } from "zod";
import { CredentialsError, DeliveryError } from "./errors";

export const FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

/** The fields of a Google service-account key file that sending needs. */
export const serviceAccountSchema = z.object({
  project_id: z.string().min(1),
  private_key_id: z.string().min(1),
  private_key: z.string().includes("PRIVATE KEY"),
  client_email: z.string().min(1),
  token_uri: z.url(),
});
export type ServiceAccount = z.output<typeof serviceAccountSchema>;

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive(), token_type: z.string() });
const fcmErrorSchema = z.object({
  error: z.object({
    code: z.number(),
    message: z.string().default(""),
    status: z.string().default(""),
    details: z.array(z.object({ "@type": z.string(), errorCode: z.string().optional() }).loose()).default([]),
  }),
});
const sendResponseSchema = z.object({ name: z.string().min(1) });

/** FCM HTTP v1 message (the subset this service sends; see the fcm-sandbox for the full checked shape). */
export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
  android?: { priority: "NORMAL" | "HIGH"; collapse_key?: string; ttl?: string };
  apns?: { headers: Record<string, string>; payload?: Record<string, unknown> };
}

export interface FcmClientOptions {
  serviceAccount: ServiceAccount;
  /** `https://fcm.googleapis.com` in production; the stand-in's URL locally. */
  fcmBaseUrl?: string;
  /** Defaults to the key's `token_uri`. */
  tokenUrl?: string;
  /** Round trips per message, the first included (default 5). */
  maxTries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for here: the failure goes back to the caller. */
  maxRetryAfterMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

export interface FcmSendResult {
  /** `projects/<id>/messages/<id>` */
  messageId: string;
  tries: number;
}

export interface FcmClient {
  send(message: FcmMessage): Promise<FcmSendResult>;
  /** Access tokens fetched so far (a counter for tests and the benchmark). */
  readonly tokenFetches: number;
}

/** HTTP statuses FCM documents as worth retrying (with backoff). */
const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * An FCM HTTP v1 client: OAuth2 access tokens from a service-account key (a JWT signed with
 * jose, exchanged at the token endpoint, cached until a minute before expiry), `messages:send`,
 * retries of 429/5xx with full-jitter backoff that honours Retry-After. A dead device token
 * (`UNREGISTERED`, or `INVALID_ARGUMENT` about the token) throws `DeliveryError` with
 * `tokenInvalid`; other failures throw it with `retryable` set as FCM's docs say.
 *
 * @example
 * const fcm = createFcmClient({ serviceAccount, fcmBaseUrl: "http://127.0.0.1:4020" });
 * await fcm.send({ token, notification: { title, body }, data: {} });
 */
export function createFcmClient(options: FcmClientOptions): FcmClient {
  const account = options.serviceAccount;
  const fcmBase = (options.fcmBaseUrl ?? "https://fcm.googleapis.com").replace(/\/$/, "");
  const tokenUrl = options.tokenUrl ?? account.token_uri;
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxTries = options.maxTries ?? 5;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  let tokenFetches = 0;
  let key: Awaited<ReturnType<typeof importPKCS8>> | undefined;

  async function fetchToken(): Promise<string> {
    try {
      key ??= await importPKCS8(account.private_key, "RS256");
    } catch (err) {
      throw new CredentialsError("the service-account private key does not parse", { cause: err });
    }
    const issued = Math.floor(now().getTime() / 1000);
    const assertion = await new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: account.private_key_id })
      .setIssuer(account.client_email)
      .setAudience(tokenUrl)
      .setIssuedAt(issued)
      .setExpirationTime(issued + 3600)
      .sign(key);
    tokenFetches++;
    const res = await fetch(tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body: unknown = await res.json().catch(() => undefined);
    const parsed = tokenResponseSchema.safeParse(body);
    if (!res.ok || !parsed.success) throw new CredentialsError(`token endpoint answered ${res.status}`);
    cached = { token: parsed.data.access_token, refreshAt: now().getTime() + (parsed.data.expires_in - 60) * 1000 };
    return parsed.data.access_token;
  }

  async function accessToken(): Promise<string> {
    if (cached && cached.refreshAt > now().getTime()) return cached.token;
    // One fetch for every sender waiting on an expired token.
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  }

  async function once(message: FcmMessage): Promise<string> {
    const token = await accessToken();
    let res: Response;
    try {
      res = await fetch(`${fcmBase}/v1/projects/${encodeURIComponent(account.project_id)}/messages:send`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json; charset=UTF-8" },
        body: JSON.stringify({ message }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError("fcm.network", "FCM could not be reached", true, {}, { cause: err });
    }
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) {
      const ok = sendResponseSchema.safeParse(body);
      if (!ok.success) throw new DeliveryError("fcm.bad_response", "FCM answered 2xx without a message name", true, { status: res.status });
      return ok.data.name;
    }
    const failure = fcmErrorSchema.safeParse(body);
    const providerCode = failure.success ? (failure.data.error.details.find((d) => d.errorCode)?.errorCode ?? failure.data.error.status) : undefined;
    const text = failure.success ? failure.data.error.message : "";
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), now());
    if (res.status === 401) {
      // An access token revoked or expired early: fetch a new one once, then it is the key's fault.
      cached = undefined;
      throw new DeliveryError("fcm.unauthenticated", "FCM refused the access token", true, { status: 401, ...(providerCode ? { providerCode } : {}) });
    }
    const tokenInvalid = providerCode === "UNREGISTERED" || (providerCode === "INVALID_ARGUMENT" && /registration token|message\.token/i.test(text));
    const retryable = RETRYABLE.has(res.status);
    throw new DeliveryError(`fcm.${(providerCode ?? String(res.status)).toLowerCase()}`, `FCM answered ${res.status} ${providerCode ?? ""}`.trim(), retryable, {
      status: res.status,
      ...(providerCode ? { providerCode } : {}),
      tokenInvalid,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  return {
    get tokenFetches() {
      return tokenFetches;
    },
    async send(message) {
      let unauthenticatedOnce = false;
      for (let tries = 1; ; tries++) {
        try {
          return { messageId: await once(message), tries };
        } catch (err) {
          if (!(err instanceof DeliveryError) || !err.retryable || tries >= maxTries) throw addTries(err, tries);
          if (err.code === "fcm.unauthenticated") {
            if (unauthenticatedOnce) throw addTries(err, tries);
            unauthenticatedOnce = true;
            continue;
          }
          const retryAfter = err.details.retryAfterMs;
          if (retryAfter !== undefined && retryAfter > (options.maxRetryAfterMs ?? 30_000)) throw addTries(err, tries);
          const backoff = backoffDelay(tries, { baseDelayMs: options.baseDelayMs ?? 200, maxDelayMs: options.maxDelayMs ?? 10_000 });
          // Retry-After is a floor: never sooner than the provider asked; 0 backs off as without one.
          await sleep(retryAfter ? Math.max(retryAfter, backoff) : backoff);
        }
      }
    },
  };
}

function addTries(err: unknown, tries: number): unknown {
  if (err instanceof DeliveryError) Object.assign(err, { tries });
  return err;
}

/** Round trips a failed send took (set on the DeliveryError by the client). */
export function triesOf(err: unknown): number {
  return err && typeof err === "object" && "tries" in err && typeof err.tries === "number" ? err.tries : 1;
}
