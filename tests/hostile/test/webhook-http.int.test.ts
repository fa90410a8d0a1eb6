import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories } from "@expenzez/db";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { ProviderUnavailableError, type TrueLayerClient } from "@expenzez/truelayer";
import { createWebhookSigner } from "@expenzez/truelayer-sandbox";
import { bearerVerifier, createApp, sqsJobSender, tlSignatureVerifier } from "@expenzez/webhook";
import fc from "fast-check";
import type { Hono } from "hono";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { hostileJson, hostileText } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// The webhook's HTTP app, in-process, on the emulator (real repositories and queue): hostile
// paths, headers and bodies never make a 500, never queue a job without a verified caller, and
// a refused request writes nothing (the table is counted after each case). A disconnect reaches
// TrueLayer only for a verified caller's own connection, and a revocation TrueLayer does not
// confirm changes nothing.

const ISSUER = "https://auth.expenzez.test";
const AUDIENCE = "expenzez-app";
const JKU = "https://webhooks.truelayer-sandbox.test/.well-known/jwks";
const SECRET = "results-secret-0123456789";
const log = createLogger("hostile", { level: "silent" });

let stack: LocalStack;
let db: Db;
let repos: Repositories;
let app: Hono;
let validToken: string;
let sign: (path: string, timestamp: string, body: string) => Promise<string>;
/** Calls that reached TrueLayer, by the connection they were for. */
const trueLayerCalls: string[] = [];
/** A bank that never confirms: every refresh and revocation answers 503. */
const unconfirmingTrueLayer = {
  async refreshToken(_token: string, context: { connectionId?: string }) {
    trueLayerCalls.push(context.connectionId ?? "?");
    throw new ProviderUnavailableError("503 from the provider", { status: 503, error: "provider_error" });
  },
  async deleteConnection(call: { connectionId?: string }) {
    trueLayerCalls.push(call.connectionId ?? "?");
    throw new ProviderUnavailableError("503 from the provider", { status: 503, error: "provider_error" });
  },
} as unknown as TrueLayerClient;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  db = { doc: stack.aws.doc, tableName: stack.handles.tableName };
  repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: stack.handles.keyId }));
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: "app-1", alg: "ES256" }] });
  validToken = await new SignJWT({ sub: "u-1" })
    .setProtectedHeader({ alg: "ES256", kid: "app-1" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime("1h")
    .sign(privateKey);
  const signer = await createWebhookSigner(JKU);
  sign = signer.sign;
  const now = new Date().toISOString();
  // The caller's connection and another user's: a refresh or disconnect may touch only the first.
  for (const [userId, connectionId, credentialsId] of [
    ["u-1", "conn-1", "cred-1"],
    ["u-2", "conn-2", "cred-2"],
  ] as const) {
    await repos.connections.putNew({
      userId,
      connectionId,
      credentialsId,
      providerId: "mock",
      status: "active",
      accessToken: "at",
      refreshToken: "rt",
      tokenExpiresAt: now,
      consentExpiresAt: now,
      nextSyncAt: now,
      createdAt: now,
      updatedAt: now,
    });
  }
  app = createApp(
    {
      db,
      repos,
      sendJob: sqsJobSender(stack.aws.sqs, stack.handles.queues.syncJobs.url),
      verifyBearer: bearerVerifier({ jwks, issuer: ISSUER, audience: AUDIENCE }),
      verifyTlSignature: tlSignatureVerifier({ allowedJkus: [JKU], fetch: (async () => new Response(JSON.stringify(signer.jwks))) as typeof fetch }),
      resultsSecret: SECRET,
      truelayer: unconfirmingTrueLayer,
      log,
    },
    { clientIp: () => "203.0.113.7", maxBodyBytes: 4096 },
  ) as unknown as Hono;
});

const segment = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return "x"; // a lone surrogate cannot be percent-encoded
  }
};

const request = fc.oneof(
  fc.record({
    kind: fc.constant("refresh" as const),
    connectionId: fc.oneof(fc.constant("conn-1"), hostileText),
    auth: fc.oneof(fc.constant("valid"), hostileText, fc.constant(undefined)),
    body: fc.oneof(
      fc.constant(""),
      fc.constant("{}"),
      hostileText,
      hostileJson.map((j) => JSON.stringify(j) ?? ""),
    ),
  }),
  fc.record({
    kind: fc.constant("disconnect" as const),
    connectionId: fc.oneof(fc.constantFrom("conn-1", "conn-2"), hostileText),
    auth: fc.oneof(fc.constant("valid"), hostileText, fc.constant(undefined)),
  }),
  fc.record({
    kind: fc.constant("truelayer" as const),
    body: fc.oneof(
      hostileText,
      hostileJson.map((j) => JSON.stringify(j) ?? ""),
      fc.record({ event_id: hostileText, type: hostileText, credentials_id: fc.constantFrom("cred-1", "cred-unknown") }).map((b) => JSON.stringify(b)),
    ),
    signed: fc.boolean(),
    headers: fc.dictionary(
      fc.constantFrom("tl-signature", "x-tl-webhook-timestamp", "content-type", "x-correlation-id"),
      hostileText.map((t) => t.replace(/[^\x20-\x7e]/g, "")),
      { maxKeys: 3 },
    ),
  }),
  fc.record({
    kind: fc.constant("results" as const),
    secret: fc.oneof(fc.constant(SECRET), hostileText),
    body: fc.oneof(
      hostileText,
      hostileJson.map((j) => JSON.stringify(j) ?? ""),
      fc
        .record({
          results_uri: fc.constant("https://x.test/r"),
          credentials_id: fc.constantFrom("cred-1", "cred-x"),
          task_id: hostileText,
          status: fc.constantFrom("Succeeded", "Failed", "Bogus"),
        })
        .map((b) => JSON.stringify(b)),
    ),
  }),
);

async function itemCount(): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.doc.send(new ScanCommand({ TableName: db.tableName, Select: "COUNT", ExclusiveStartKey: start }));
    n += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

describe("webhook HTTP app with hostile requests", () => {
  it("never answers 500, queues a job only for a verified caller, and a refused request writes nothing", async ({ task }) => {
    let queuedAnswers = 0;
    await check(
      task,
      "webhook-http",
      fc.asyncProperty(request, async (r) => {
        const before = await itemCount();
        let res: Response;
        let verified = false;
        if (r.kind === "refresh") {
          verified = r.auth === "valid";
          const headers: Record<string, string> = {};
          const auth = r.auth === "valid" ? `Bearer ${validToken}` : r.auth?.replace(/[^\x20-\x7e]/g, "");
          if (auth !== undefined) headers.authorization = auth;
          res = await app.request(`/v1/connections/${segment(r.connectionId)}/refresh`, { method: "POST", headers, body: r.body });
        } else if (r.kind === "disconnect") {
          const headers: Record<string, string> = {};
          const auth = r.auth === "valid" ? `Bearer ${validToken}` : r.auth?.replace(/[^\x20-\x7e]/g, "");
          if (auth !== undefined) headers.authorization = auth;
          const calls = trueLayerCalls.length;
          res = await app.request(`/v1/connections/${segment(r.connectionId)}`, { method: "DELETE", headers });
          // Only the verified owner's own connection reaches TrueLayer; it never confirms, so 503.
          const own = r.auth === "valid" && r.connectionId === "conn-1";
          expect(trueLayerCalls.slice(calls).every((c) => c === "conn-1")).toBe(true);
          if (!own) expect(trueLayerCalls.length).toBe(calls);
          if (own) expect(res.status).toBe(503);
        } else if (r.kind === "truelayer") {
          const headers: Record<string, string> = { ...r.headers };
          if (r.signed) {
            const ts = new Date().toISOString();
            headers["x-tl-webhook-timestamp"] = ts;
            headers["tl-signature"] = await sign("/truelayer/webhooks", ts, r.body);
            verified = true;
          }
          res = await app.request("/truelayer/webhooks", { method: "POST", headers, body: r.body });
        } else {
          verified = r.secret === SECRET;
          res = await app.request(`/truelayer/results/${segment(r.secret)}`, { method: "POST", body: r.body });
        }
        expect([200, 202, 400, 401, 404, 413, 429, 503]).toContain(res.status);
        const json = (await res.json()) as { error?: string; coalesced?: boolean; outcome?: string };
        if (res.status >= 400) expect(json.error).toMatch(/^webhook\./);
        if (json.coalesced === false || json.outcome === "queued") {
          expect(verified).toBe(true);
          queuedAnswers++;
        }
        // A refused request leaves the table as it was (no claim, no marker, nothing partial).
        if (res.status >= 400) expect(await itemCount()).toBe(before);
      }),
      runs(120),
    );
    const jobs = await receiveAll(stack.aws.sqs, stack.handles.queues.syncJobs.url, { remove: true });
    expect(jobs.length).toBe(queuedAnswers);
    // Nobody disconnected anything: both connections keep their tokens and their schedule.
    for (const [userId, connectionId] of [
      ["u-1", "conn-1"],
      ["u-2", "conn-2"],
    ] as const) {
      const connection = await repos.connections.get(userId, connectionId);
      expect(connection?.status).toBe("active");
      expect(connection?.refreshToken).toBe("rt");
    }
  });
});
