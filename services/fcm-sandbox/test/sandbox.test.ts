import { exportPKCS8, generateKeyPair, importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FCM_SCOPE, type RunningFcmSandbox, startFcmSandbox } from "../src";

let fcm: RunningFcmSandbox;
beforeAll(async () => {
  fcm = await startFcmSandbox({ projectId: "p1" });
});
afterAll(() => fcm.stop());
beforeEach(() => fcm.reset());

async function assertion(overrides: { scope?: string; aud?: string; key?: string; ttl?: number } = {}) {
  const key = await importPKCS8(overrides.key ?? fcm.serviceAccount.private_key, "RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: overrides.scope ?? FCM_SCOPE })
    .setProtectedHeader({ alg: "RS256", kid: fcm.serviceAccount.private_key_id })
    .setIssuer(fcm.serviceAccount.client_email)
    .setAudience(overrides.aud ?? fcm.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + (overrides.ttl ?? 3600))
    .sign(key);
}

async function token(jwt: string) {
  const res = await fetch(fcm.tokenUrl, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwt }),
  });
  return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string } };
}

async function sendMessage(accessToken: string, body: unknown, project = "p1") {
  const res = await fetch(`${fcm.fcmUrl}/v1/projects/${project}/messages:send`, {
    method: "POST",
    headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: (await res.json()) as Answer };
}

interface Answer {
  name?: string;
  error: { status: string; message: string; details: { errorCode: string }[] };
}

const message = (token = "device-token-1") => ({ message: { token, notification: { title: "t", body: "b" }, data: { a: "1" } } });

describe("FCM stand-in: OAuth", () => {
  it("exchanges a service-account JWT for a bearer token, and refuses a wrong key, audience, scope or lifetime", async () => {
    expect((await token(await assertion())).body.access_token).toMatch(/^ya29\./);
    const other = await exportPKCS8((await generateKeyPair("RS256", { extractable: true })).privateKey);
    const refused = await Promise.all([
      token(await assertion({ key: other })),
      token(await assertion({ aud: "https://oauth2.googleapis.com/token" })),
      token(await assertion({ scope: "https://www.googleapis.com/auth/cloud-platform" })),
      token(await assertion({ ttl: 7200 })),
    ]);
    expect(refused.map((r) => [r.status, r.body.error])).toEqual(Array(4).fill([400, "invalid_grant"]));
    // A second RSA-2048 key pair is generated here (the sandbox made its own at start): well under
    // a second on a quiet machine, over 5 s when the 2 cores are shared (a CI run timed out).
  }, 30_000);

  it("answers 401 UNAUTHENTICATED to a send without a valid bearer token", async () => {
    const r = await sendMessage("ya29.made-up", message());
    expect([r.status, r.body.error.status]).toEqual([401, "UNAUTHENTICATED"]);
  });
});

describe("FCM stand-in: messages:send", () => {
  let bearer: string;
  beforeAll(async () => {
    bearer = (await token(await assertion())).body.access_token as string;
  });

  it("accepts a v1 message, answers its name and records it", async () => {
    const r = await sendMessage(bearer, message());
    expect(r.status).toBe(200);
    expect(r.body.name).toMatch(/^projects\/p1\/messages\/.+/);
    expect(fcm.delivered()).toEqual([message().message]);
  });

  it("refuses the shapes FCM refuses: unknown fields, two targets, non-string data, reserved data keys, another project", async () => {
    const bad = [
      { message: { ...message().message, priority: "high" } },
      { message: { ...message().message, topic: "news" } },
      { message: { ...message().message, data: { n: 1 } } },
      { message: { ...message().message, data: { from: "x" } } },
      { message: { notification: { title: "no target" } } },
    ];
    for (const body of bad) {
      const r = await sendMessage(bearer, body);
      expect([r.status, r.body.error.details[0]?.errorCode]).toEqual([400, "INVALID_ARGUMENT"]);
    }
    expect((await sendMessage(bearer, message(), "other")).status).toBe(403);
    expect(fcm.delivered()).toEqual([]);
  });

  it("answers 404 UNREGISTERED for an unregistered token and 400 for a malformed one", async () => {
    fcm.unregister("dead-token-1");
    const r = await sendMessage(bearer, message("dead-token-1"));
    expect([r.status, r.body.error.details[0]?.errorCode]).toEqual([404, "UNREGISTERED"]);
    const m = await sendMessage(bearer, message("not a token"));
    expect([m.status, m.body.error.message]).toEqual([400, "The registration token is not a valid FCM registration token"]);
  });

  it("a storm fails the next N sends with its status and Retry-After, then passes", async () => {
    fcm.storm({ status: 429, count: 2, retryAfterSeconds: 3 });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await sendMessage(bearer, message()));
    expect(answers.map((a) => [a.status, a.retryAfter])).toEqual([
      [429, "3"],
      [429, "3"],
      [200, null],
    ]);
    expect(answers[0]?.body.error.details[0]?.errorCode).toBe("QUOTA_EXCEEDED");
    expect(fcm.requests().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("validate_only checks without delivering", async () => {
    const r = await sendMessage(bearer, { validate_only: true, ...message() });
    expect(r.body.name).toBe("projects/p1/messages/fake_message_id");
    expect(fcm.delivered()).toEqual([]);
  });
});
