import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, keys, type Repositories, type TokenFault } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { runOnce } from "@expenzez/runtime";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { createTrueLayerClient } from "@expenzez/truelayer";
import { createWebhookSigner, type RunningSandbox, startSandbox, type WebhookSigner } from "@expenzez/truelayer-sandbox";
import { type ServerType, serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bearerVerifier, createApp, sqsJobSender, tlSignatureVerifier } from "../src/index";

// Needs the local AWS emulator (vitest global setup); serves the real app on a loopback port.

const ISSUER = "https://auth.expenzez.test";
const AUDIENCE = "expenzez-app";
const JKU = "https://webhooks.truelayer-sandbox.test/.well-known/jwks";
const SECRET = "results-secret-0123456789";
const log = createLogger("test", { level: "silent" });

let stack: LocalStack;
let db: Db;
let repos: Repositories;
let server: ServerType;
let base: string;
let appKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let signer: WebhookSigner;
let servedJwks: { keys: JWK[] };
let jwksFetches = 0;
let sandbox: RunningSandbox;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  appKey = privateKey;
  const appJwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "app-1", alg: "ES256" }] });
  signer = await createWebhookSigner(JKU);
  servedJwks = signer.jwks;
  sandbox = await startSandbox({ seed: "webhook-disconnect", now: new Date() });
  const truelayer = createTrueLayerClient({
    authBaseUrl: sandbox.authUrl,
    dataBaseUrl: sandbox.dataUrl,
    clientId: "sandbox-client",
    clientSecret: "sandbox-secret",
    maxRetries: 0,
    logger: log,
  });
  const app = createApp(
    {
      db,
      repos,
      sendJob: sqsJobSender(stack.aws.sqs, stack.handles.queues.syncJobs.url),
      verifyBearer: bearerVerifier({ jwks: appJwks, issuer: ISSUER, audience: AUDIENCE }),
      verifyTlSignature: tlSignatureVerifier({
        allowedJkus: [JKU],
        refetchCooldownSeconds: 0,
        fetch: (async (url: string) => {
          jwksFetches++;
          return url === JKU ? new Response(JSON.stringify(servedJwks)) : new Response("no", { status: 404 });
        }) as typeof fetch,
      }),
      resultsSecret: SECRET,
      truelayer,
      log,
    },
    { clientIp: (c) => getConnInfo(c).remote.address, maxBodyBytes: 4096 },
  );
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await sandbox?.stop();
});

beforeEach(async () => {
  await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true });
});

let seq = 0;
async function connection(
  userId: string,
  over: { lastSyncAt?: string; tokenFault?: TokenFault } = {},
): Promise<{ userId: string; connectionId: string; credentialsId: string }> {
  seq++;
  const now = new Date().toISOString();
  const c = { userId, connectionId: `conn-${seq}`, credentialsId: `cred-${seq}` };
  await repos.connections.putNew({
    ...c,
    providerId: "mock",
    status: "active",
    accessToken: "at",
    refreshToken: "rt",
    tokenExpiresAt: now,
    consentExpiresAt: new Date(Date.now() + 80 * 86_400_000).toISOString(),
    nextSyncAt: now,
    createdAt: now,
    updatedAt: now,
    ...over,
  });
  return c;
}

async function token(sub: string, over: { expiresIn?: string; audience?: string } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: "app-1" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(over.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(over.expiresIn ?? "5m")
    .sign(appKey);
}

function refresh(connectionId: string, bearer?: string, init: RequestInit = {}) {
  return fetch(`${base}/v1/connections/${connectionId}/refresh`, {
    method: "POST",
    ...init,
    headers: { ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}), ...(init.headers as Record<string, string>) },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: test reads of JSON answers
const json = async (res: Response): Promise<any> => res.json();

async function queuedJobs(): Promise<Record<string, unknown>[]> {
  return (await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true })).map((m) => JSON.parse(m.Body as string));
}

async function signedPost(body: string, over: { timestamp?: string; signWith?: WebhookSigner; tamper?: boolean } = {}) {
  const timestamp = over.timestamp ?? new Date().toISOString();
  const signature = await (over.signWith ?? signer).sign("/truelayer/webhooks", timestamp, body);
  return fetch(`${base}/truelayer/webhooks`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Tl-Signature": signature, "X-Tl-Webhook-Timestamp": timestamp },
    body: over.tamper ? body.replace("cred", "CRED") : body,
  });
}

describe("refresh now", () => {
  it("queues one attended refresh_now job with the caller's IP and the request's correlation id", async () => {
    // Prepare
    const c = await connection("u-refresh");
    // Act
    const res = await refresh(c.connectionId, await token(c.userId), { headers: { "X-Correlation-Id": "corr-123" } });
    const body = await json(res);
    // Assess
    expect(res.status).toBe(202);
    expect(res.headers.get("x-correlation-id")).toBe("corr-123");
    expect(await queuedJobs()).toEqual([
      expect.objectContaining({
        jobId: body.jobId,
        userId: c.userId,
        connectionId: c.connectionId,
        reason: "refresh_now",
        psuIp: "127.0.0.1",
        correlationId: "corr-123",
      }),
    ]);
  });

  it("coalesces a second request while a job is queued, and allows one again after a completed sync", async () => {
    // Prepare
    const c = await connection("u-coalesce");
    const bearer = await token(c.userId);
    // Act
    const first = await json(await refresh(c.connectionId, bearer));
    const second = await refresh(c.connectionId, bearer);
    const secondBody = await json(second);
    // The queued job ran: a sync completed after the job was queued (both moved back past the cool-down).
    const stored = (await repos.connections.get(c.userId, c.connectionId))!;
    const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    await repos.connections.updateVersioned({ ...stored, refreshQueued: { ...stored.refreshQueued!, at: ago(180) }, lastSyncAt: ago(120) }, stored.version);
    const third = await refresh(c.connectionId, bearer);
    // Assess
    expect(second.status).toBe(202);
    expect(secondBody).toEqual({ jobId: first.jobId, coalesced: true });
    expect(third.status).toBe(202);
    expect((await queuedJobs()).length).toBe(2);
  });

  it("answers 429 with Retry-After within a minute of a completed sync", async () => {
    // Prepare
    const c = await connection("u-recent", { lastSyncAt: new Date(Date.now() - 20_000).toISOString() });
    // Act
    const res = await refresh(c.connectionId, await token(c.userId));
    // Assess
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(35);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(41);
    expect(await queuedJobs()).toEqual([]);
  });

  it("answers 409 and queues nothing for a connection parked because its tokens cannot be opened", async () => {
    // Prepare: ADR 0073's record fault, and a key fault (ours, retried with back-off by the worker)
    const fault = (kind: TokenFault["fault"]): TokenFault => {
      const at = new Date(Date.now() - 3_600_000).toISOString();
      return { fault: kind, code: kind === "record" ? "crypto.decrypt_failed" : "crypto.key_refused", reason: "test", since: at, at, attempts: 1 };
    };
    const parked = await connection("u-parked", { tokenFault: fault("record") });
    const ours = await connection("u-key-fault", { tokenFault: fault("key") });
    // Act
    const refused = await refresh(parked.connectionId, await token(parked.userId));
    const queued = await refresh(ours.connectionId, await token(ours.userId));
    // Assess
    expect(refused.status).toBe(409);
    expect(await json(refused)).toEqual(expect.objectContaining({ error: "webhook.sync_suspended" }));
    expect(queued.status).toBe(202);
    expect((await queuedJobs()).map((j) => j.connectionId)).toEqual([ours.connectionId]);
  });

  it("answers 404 for another user's connection, exactly as for one that does not exist", async () => {
    // Prepare
    const c = await connection("u-owner");
    const intruder = await token("u-intruder");
    // Act
    const foreign = await refresh(c.connectionId, intruder);
    const missing = await refresh("conn-nope", intruder);
    // Assess
    expect(foreign.status).toBe(404);
    expect(await json(foreign)).toEqual(expect.objectContaining({ error: "webhook.connection_not_found" }));
    expect(missing.status).toBe(404);
    expect(await queuedJobs()).toEqual([]);
  });

  it("answers 401 for no token, an expired token and a token for another audience", async () => {
    // Prepare
    const c = await connection("u-auth");
    // Act
    const statuses = await Promise.all([
      refresh(c.connectionId),
      refresh(c.connectionId, await token(c.userId, { expiresIn: "-2m" })),
      refresh(c.connectionId, await token(c.userId, { audience: "someone-else" })),
      refresh(c.connectionId, "not.a.jwt"),
    ]);
    // Assess
    expect(statuses.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(statuses[1]!.headers.get("www-authenticate")).toContain("Bearer");
    expect(await queuedJobs()).toEqual([]);
  });

  it("answers 400 for a malformed body and 413 for an oversize one", async () => {
    // Prepare
    const c = await connection("u-bodies");
    const bearer = await token(c.userId);
    // Act
    const malformed = await refresh(c.connectionId, bearer, { body: "{not json" });
    const unexpected = await refresh(c.connectionId, bearer, { body: JSON.stringify({ force: true }) });
    const oversize = await refresh(c.connectionId, bearer, { body: JSON.stringify({ pad: "x".repeat(10_000) }) });
    // Assess
    expect([malformed.status, unexpected.status, oversize.status]).toEqual([400, 400, 413]);
    expect((await json(unexpected)).message).toContain("force");
    expect(await queuedJobs()).toEqual([]);
  });
});

describe("TrueLayer signed webhooks", () => {
  const event = (credentialsId: string, eventId: string) =>
    JSON.stringify({ type: "data_updated", event_id: eventId, event_version: 1, credentials_id: credentialsId });

  it("maps a verified delivery to one webhook job, and a replay of it to none", async () => {
    // Prepare
    const c = await connection("u-tl");
    const body = event(c.credentialsId, "evt-1");
    // Act
    const first = await signedPost(body);
    const replay = await signedPost(body);
    // Assess
    expect(first.status).toBe(200);
    expect(await json(first)).toEqual(expect.objectContaining({ outcome: "queued" }));
    expect(await json(replay)).toEqual({ outcome: "duplicate" });
    expect(await queuedJobs()).toEqual([expect.objectContaining({ userId: c.userId, connectionId: c.connectionId, reason: "webhook" })]);
  });

  /** Holds the delivery's claim as a concurrent request would (TrueLayer's retries can overlap its original). */
  function holdClaim(eventId: string) {
    let settle: (ok: boolean) => void = () => {};
    const held = runOnce(
      db,
      { consumer: "webhook-truelayer", key: createHash("sha256").update(eventId).digest("base64url") },
      () => new Promise<{ outcome: string }>((resolve, reject) => (settle = (ok) => (ok ? resolve({ outcome: "queued" }) : reject(new Error("send failed"))))),
    ).catch(() => undefined);
    return { held, settle: (ok: boolean) => settle(ok) };
  }

  it("answers a twin arriving while the first copy is handled as a duplicate (200) once that copy completes", async () => {
    // Prepare
    const c = await connection("u-tl-twin");
    const claim = holdClaim("evt-twin");
    await new Promise((r) => setTimeout(r, 100));
    // Act
    const twin = signedPost(event(c.credentialsId, "evt-twin"));
    await new Promise((r) => setTimeout(r, 300));
    claim.settle(true);
    await claim.held;
    const res = await twin;
    // Assess
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ outcome: "duplicate" });
    expect(await queuedJobs()).toEqual([]);
  });

  it("queues the job itself when the first copy failed and released the delivery while the twin waited", async () => {
    // Prepare
    const c = await connection("u-tl-twin-failed");
    const claim = holdClaim("evt-twin-failed");
    await new Promise((r) => setTimeout(r, 100));
    // Act
    const twin = signedPost(event(c.credentialsId, "evt-twin-failed"));
    await new Promise((r) => setTimeout(r, 300));
    claim.settle(false);
    await claim.held;
    const res = await twin;
    // Assess
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual(expect.objectContaining({ outcome: "queued" }));
    expect(await queuedJobs()).toEqual([expect.objectContaining({ connectionId: c.connectionId, reason: "webhook" })]);
  });

  it("answers 503 with Retry-After (not 500) when the first copy is still being handled after the twin's wait", async () => {
    // Prepare
    const c = await connection("u-tl-twin-slow");
    const claim = holdClaim("evt-twin-slow");
    await new Promise((r) => setTimeout(r, 100));
    // Act
    const twin = await signedPost(event(c.credentialsId, "evt-twin-slow"));
    claim.settle(true);
    await claim.held;
    // Assess
    expect(twin.status).toBe(503);
    expect(twin.headers.get("retry-after")).toBe("5");
    expect((await json(twin)).error).toBe("webhook.delivery_in_progress");
    expect(await queuedJobs()).toEqual([]);
  });

  it("refuses a tampered body, a stale timestamp and a jku off the allow list with 401, queueing nothing", async () => {
    // Prepare
    const c = await connection("u-tl-bad");
    const stranger = await createWebhookSigner("https://evil.test/jwks");
    // Act
    const tampered = await signedPost(event(c.credentialsId, "evt-2"), { tamper: true });
    const stale = await signedPost(event(c.credentialsId, "evt-3"), { timestamp: new Date(Date.now() - 10 * 60_000).toISOString() });
    const foreign = await signedPost(event(c.credentialsId, "evt-4"), { signWith: stranger });
    const unsigned = await fetch(`${base}/truelayer/webhooks`, { method: "POST", body: event(c.credentialsId, "evt-5") });
    // Assess
    expect([tampered.status, stale.status, foreign.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect((await json(stale)).error).toBe("webhook.bad_signature");
    expect(await queuedJobs()).toEqual([]);
  });

  it("refuses a signature whose header names another algorithm than ES512 before verifying it (no algorithm confusion)", async () => {
    // Prepare: a valid signature whose protected header is switched to HMAC (keyed with the public key, the classic forgery)
    const c = await connection("u-tl-alg");
    const body = event(c.credentialsId, "evt-alg");
    const timestamp = new Date().toISOString();
    const [header, , footer] = (await signer.sign("/truelayer/webhooks", timestamp, body)).split(".");
    const forged = { ...JSON.parse(Buffer.from(header as string, "base64url").toString("utf8")), alg: "HS256" };
    const signature = `${Buffer.from(JSON.stringify(forged)).toString("base64url")}..${footer}`;
    // Act
    const res = await fetch(`${base}/truelayer/webhooks`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Tl-Signature": signature, "X-Tl-Webhook-Timestamp": timestamp },
      body,
    });
    // Assess
    expect(res.status).toBe(401);
    expect((await json(res)).message).toContain("ES512");
    expect(await queuedJobs()).toEqual([]);
  });

  it("refetches the key set when a signature names an unknown kid (key rotation)", async () => {
    // Prepare
    const c = await connection("u-tl-rotate");
    await signedPost(event(c.credentialsId, "evt-6"));
    const rotated = await createWebhookSigner(JKU);
    servedJwks = { keys: [...signer.jwks.keys, ...rotated.jwks.keys] };
    const before = jwksFetches;
    // Act
    const res = await signedPost(event(c.credentialsId, "evt-7"), { signWith: rotated });
    const again = await signedPost(event(c.credentialsId, "evt-8"), { signWith: rotated });
    // Assess
    expect([res.status, again.status]).toEqual([200, 200]);
    expect(jwksFetches - before).toBe(1);
    expect((await queuedJobs()).length).toBe(3);
  });

  it("answers 400 for a verified body that is not a webhook we know", async () => {
    // Act
    const res = await signedPost(JSON.stringify({ hello: "world" }));
    // Assess
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain("event_id");
  });
});

describe("async results callback", () => {
  const result = (credentialsId: string, taskId: string, status = "Succeeded") =>
    JSON.stringify({
      request_uri: `https://api.truelayer-sandbox.test/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-06-01&async=true&webhook_uri=${encodeURIComponent(`https://hooks.test/truelayer/results/${SECRET}`)}`,
      results_uri: `https://api.truelayer-sandbox.test/data/v1/results/${taskId}`,
      credentials_id: credentialsId,
      task_id: taskId,
      status,
    });

  it("queues one v2 webhook job carrying the results reference for the right secret, once per task, and 401 for a wrong one", async () => {
    // Prepare
    const c = await connection("u-results");
    // Act
    const wrong = await fetch(`${base}/truelayer/results/not-the-secret`, { method: "POST", body: result(c.credentialsId, "t1") });
    const ok = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: result(c.credentialsId, "t1") });
    const again = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: result(c.credentialsId, "t1") });
    const malformed = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: JSON.stringify({ task_id: "t2" }) });
    // Assess
    expect([wrong.status, ok.status, again.status, malformed.status]).toEqual([401, 200, 200, 400]);
    expect(await json(again)).toEqual({ outcome: "duplicate" });
    const jobs = await queuedJobs();
    expect(jobs).toEqual([
      expect.objectContaining({
        connectionId: c.connectionId,
        reason: "webhook",
        version: 2,
        results: {
          uri: "https://api.truelayer-sandbox.test/data/v1/results/t1",
          taskId: "t1",
          requestUri: "https://api.truelayer-sandbox.test/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-06-01&async=true",
          status: "Succeeded",
        },
      }),
    ]);
    // The secret in our webhook_uri never travels on the queue.
    expect(JSON.stringify(jobs)).not.toContain(SECRET);
  });

  it("queues a task whose request_uri is long but within the callback's limit, with its whole request", async () => {
    // Prepare: our own request, echoed with 2,500 characters of query besides the webhook_uri
    const c = await connection("u-results-long");
    const body = JSON.parse(result(c.credentialsId, "t-long")) as { request_uri: string };
    const requestUri = `https://api.truelayer-sandbox.test/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-06-01&async=true&note=${"x".repeat(2500)}`;
    body.request_uri = `${requestUri}&webhook_uri=${encodeURIComponent(`https://hooks.test/truelayer/results/${SECRET}`)}`;
    // Act
    const res = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: JSON.stringify(body) });
    // Assess
    expect(res.status).toBe(200);
    expect(await queuedJobs()).toEqual([
      expect.objectContaining({ connectionId: c.connectionId, results: expect.objectContaining({ taskId: "t-long", requestUri }) }),
    ]);
  });

  it("answers 400, not 503, to a callback that cannot become a job, so it is not retried for days", async () => {
    // Prepare: a request_uri under the callback's limit that percent-encoding takes past the job's
    const c = await connection("u-results-unqueueable");
    const body = JSON.parse(result(c.credentialsId, "t-unqueueable")) as { request_uri: string };
    body.request_uri = `https://api.truelayer-sandbox.test/data/v1/accounts/a1/transactions?from=2026-01-01&to=2026-06-01&note=${"\u00e9".repeat(700)}`;
    // Act
    const res = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: JSON.stringify(body) });
    // Assess
    expect(res.status).toBe(400);
    expect((await json(res)).message).toContain("requestUri");
    expect(await queuedJobs()).toEqual([]);
  });

  it("queues a Failed task too, so the worker records it on the connection", async () => {
    // Prepare
    const c = await connection("u-results-failed");
    // Act
    const res = await fetch(`${base}/truelayer/results/${SECRET}`, { method: "POST", body: result(c.credentialsId, "t-failed", "Failed") });
    // Assess
    expect(res.status).toBe(200);
    expect(await queuedJobs()).toEqual([expect.objectContaining({ connectionId: c.connectionId, results: expect.objectContaining({ status: "Failed" }) })]);
  });
});

describe("disconnect (DELETE /v1/connections/{id})", () => {
  /** A simulator user and their connection stored with its real tokens, due in the schedule. */
  async function connected(userId: string) {
    seq++;
    const sim = await sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: 10 });
    const now = new Date();
    const c = { userId, connectionId: `conn-dc-${seq}` };
    await repos.connections.putNew({
      ...c,
      providerId: "mock",
      status: "active",
      accessToken: sim.tokens.access_token,
      refreshToken: sim.tokens.refresh_token as string,
      tokenExpiresAt: new Date(now.getTime() + sim.tokens.expires_in * 1000).toISOString(),
      consentExpiresAt: sim.consent_expires_at,
      nextSyncAt: new Date(now.getTime() - 60_000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
    return { ...c, sim };
  }
  const disconnect = (connectionId: string, bearer?: string) =>
    fetch(`${base}/v1/connections/${connectionId}`, { method: "DELETE", headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  const bankAnswers = (accessToken: string) =>
    fetch(`${sandbox.dataUrl}/accounts`, { headers: { Authorization: `Bearer ${accessToken}` } }).then((r) => r.status);

  it("revokes the consent at TrueLayer, deletes the stored tokens and drops the connection from the schedule", async () => {
    // Prepare
    const c = await connected("u-dc-own");
    expect(await bankAnswers(c.sim.tokens.access_token)).toBe(200);
    // Act
    const res = await disconnect(c.connectionId, await token(c.userId));
    // Assess
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ connectionId: c.connectionId, trueLayer: "revoked", disconnected: true });
    const stored = (await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.connection(c.userId, c.connectionId), ConsistentRead: true }))).Item;
    expect(stored?.status).toBe("revoked");
    expect(stored).not.toHaveProperty("accessToken");
    expect(stored).not.toHaveProperty("refreshToken");
    expect((await repos.connections.listAllDue(new Date().toISOString())).map((d) => d.connectionId)).not.toContain(c.connectionId);
    expect(await bankAnswers(c.sim.tokens.access_token)).toBe(401);
  });

  it("answers 404 for another user's connection and changes nothing, 401 without a valid token", async () => {
    // Prepare
    const c = await connected("u-dc-victim");
    // Act
    const stranger = await disconnect(c.connectionId, await token("u-dc-attacker"));
    const anonymous = await disconnect(c.connectionId);
    const expired = await disconnect(c.connectionId, await token(c.userId, { expiresIn: "-1m" }));
    // Assess
    expect([stranger.status, anonymous.status, expired.status]).toEqual([404, 401, 401]);
    expect((await json(stranger)).error).toBe("webhook.connection_not_found");
    expect((await repos.connections.peek(c.userId, c.connectionId))?.status).toBe("active");
    expect(await bankAnswers(c.sim.tokens.access_token)).toBe(200);
  });

  it("answers 200 again for a connection already disconnected (the app may retry)", async () => {
    // Prepare
    const c = await connected("u-dc-twice");
    await disconnect(c.connectionId, await token(c.userId));
    // Act
    const again = await disconnect(c.connectionId, await token(c.userId));
    // Assess
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual(expect.objectContaining({ trueLayer: "already_revoked" }));
  });
});

it("answers GET /health for load balancers", async () => {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
  expect(await json(res)).toEqual({ status: "ok" });
});
