import { createWebhookSigner, type WebhookSigner } from "@expenzez/truelayer-sandbox";
import { BadSignatureError, type BearerVerifier, bearerVerifier, type TlSignatureVerifier, tlSignatureVerifier, UnauthenticatedError } from "@expenzez/webhook";
import fc from "fast-check";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { hostileJson, hostileText } from "../src/arbitraries";
import { check, runs } from "../src/cases";

// The webhook's two verifiers with hostile credentials, no network (local key sets, a fetch
// stand-in for the TrueLayer JWKS). Each accepts exactly what an independent oracle calls valid.

const ISSUER = "https://auth.expenzez.test";
const AUDIENCE = "expenzez-app";
const NOW = new Date("2026-11-20T12:00:00Z");
const nowS = Math.floor(NOW.getTime() / 1000);
const JKU = "https://webhooks.truelayer-sandbox.test/.well-known/jwks";

type Key = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let ours: Key;
let foreign: Key;
let verifyBearer: BearerVerifier;
let signer: WebhookSigner;
let foreignSigner: WebhookSigner;
let verifyTl: TlSignatureVerifier;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  ours = pair.privateKey;
  foreign = (await generateKeyPair("ES256")).privateKey;
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "app-1", alg: "ES256" }] });
  verifyBearer = bearerVerifier({ jwks, issuer: ISSUER, audience: AUDIENCE, now: () => NOW });
  signer = await createWebhookSigner(JKU);
  foreignSigner = await createWebhookSigner(JKU);
  verifyTl = tlSignatureVerifier({
    allowedJkus: [JKU],
    now: () => NOW,
    fetch: (async (url: string) => (url === JKU ? new Response(JSON.stringify(signer.jwks)) : new Response("no", { status: 404 }))) as typeof fetch,
  });
});

/** A claim: the right value, a wrong one, a wrong type, or absent. */
function claim<T>(valid: fc.Arbitrary<T>, wrong: fc.Arbitrary<unknown>) {
  return fc.oneof(
    { weight: 5, arbitrary: valid.map((value) => ({ ok: true, value })) },
    { weight: 1, arbitrary: wrong.map((value) => ({ ok: false, value })) },
    { weight: 1, arbitrary: fc.constant({ ok: false, value: undefined }) },
  );
}

const tokenCase = fc.record({
  iss: claim(fc.constant(ISSUER), fc.oneof(hostileText, fc.constant(`${ISSUER}/`), fc.integer())),
  aud: claim(fc.constantFrom(AUDIENCE, [AUDIENCE, "other"]), fc.oneof(hostileText, fc.constant(["other"]), fc.integer())),
  exp: claim(fc.integer({ min: nowS + 1, max: nowS + 86_400 }), fc.oneof(fc.integer({ min: 0, max: nowS - 31 }), fc.constant("tomorrow"))),
  sub: claim(
    hostileText.filter((s) => s.length > 0 && !s.includes("#")),
    fc.oneof(fc.constantFrom("", "USER#u-1", "a#b"), fc.integer()),
  ),
  key: fc.constantFrom("ours", "ours", "ours", "foreign", "none"),
  tamper: fc.option(fc.record({ part: fc.constantFrom(0, 1, 2), at: fc.nat(), char: fc.constantFrom("A", "-", "_", "0") }), { freq: 4, nil: undefined }),
  scheme: fc.constantFrom("Bearer ", "Bearer ", "Bearer ", "bearer ", "Bearer  ", "Basic "),
});

type TokenCase = typeof tokenCase extends fc.Arbitrary<infer T> ? T : never;

async function tokenOf(c: TokenCase): Promise<string> {
  const payload: Record<string, unknown> = {};
  for (const name of ["iss", "aud", "exp", "sub"] as const) if (c[name].value !== undefined) payload[name] = c[name].value;
  payload.iat = nowS - 10;
  let token: string;
  if (c.key === "none") {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    token = `${enc({ alg: "none", typ: "JWT" })}.${enc(payload)}.`;
  } else {
    token = await new SignJWT(payload as never).setProtectedHeader({ alg: "ES256", kid: "app-1" }).sign(c.key === "ours" ? ours : foreign);
  }
  if (c.tamper) {
    const parts = token.split(".");
    const p = parts[c.tamper.part] ?? "";
    // Not the last character: its low bits may be padding, so changing it need not change the bytes.
    const i = p.length <= 1 ? 0 : c.tamper.at % (p.length - 1);
    parts[c.tamper.part] = p.slice(0, i) + (p[i] === c.tamper.char ? "B" : c.tamper.char) + p.slice(i + 1);
    token = parts.join(".");
  }
  return token;
}

describe("bearer JWTs on the refresh endpoint", () => {
  it("accepts exactly the tokens signed by the app's key with its issuer, audience, a future exp and a usable sub; refuses the rest with webhook.unauthenticated", async ({
    task,
  }) => {
    await check(
      task,
      "webhook-jwt",
      fc.asyncProperty(tokenCase, async (c) => {
        const token = await tokenOf(c);
        const valid = c.key === "ours" && !c.tamper && c.scheme === "Bearer " && c.iss.ok && c.aud.ok && c.exp.ok && c.sub.ok;
        const outcome = await verifyBearer(`${c.scheme}${token}`).then(
          (caller) => ({ caller }),
          (error: unknown) => ({ error }),
        );
        if ("caller" in outcome) {
          expect(valid, "accepted a token the oracle refuses").toBe(true);
          expect(outcome.caller.userId).toBe(c.sub.value);
        } else {
          expect(outcome.error).toBeInstanceOf(UnauthenticatedError);
          expect(valid, `refused a valid token: ${(outcome.error as Error).message}`).toBe(false);
        }
      }),
      runs(1500),
    );
  });

  it("refuses any Authorization header that is not a bearer JWT, with webhook.unauthenticated", async ({ task }) => {
    const header = fc.oneof(
      hostileText,
      hostileText.map((t) => `Bearer ${t}`),
      fc.array(fc.base64String({ maxLength: 60 }), { minLength: 1, maxLength: 5 }).map((parts) => `Bearer ${parts.join(".").replace(/[+/=]/g, "_")}`),
      hostileJson.map((j) => `Bearer ${Buffer.from(JSON.stringify(j) ?? "").toString("base64url")}.${Buffer.from("{}").toString("base64url")}.x`),
      fc.constant(undefined),
    );
    await check(
      task,
      "webhook-jwt",
      fc.asyncProperty(header, async (h) => {
        await expect(verifyBearer(h)).rejects.toBeInstanceOf(UnauthenticatedError);
      }),
      runs(1000),
    );
  });
});

const PATH = "/truelayer/webhooks";
const deliveryCase = fc.record({
  body: fc.oneof(
    hostileText,
    hostileJson.map((j) => JSON.stringify(j) ?? ""),
  ),
  ageSeconds: fc.oneof(fc.integer({ min: -290, max: 290 }), fc.integer({ min: 301, max: 10_000_000 }), fc.integer({ min: -10_000_000, max: -301 })),
  signer: fc.constantFrom("ours", "ours", "ours", "foreign"),
  tamperBody: fc.option(hostileText, { freq: 4, nil: undefined }),
  tamperPath: fc.option(fc.constantFrom("/truelayer/webhooks/", "/truelayer/Webhooks", "/other"), { freq: 6, nil: undefined }),
  tamperTimestamp: fc.boolean(),
  dropTimestamp: fc.boolean(),
  signature: fc.option(fc.oneof(hostileText, fc.constant("e30..")), { freq: 6, nil: undefined }),
});

describe("TrueLayer signed webhooks", () => {
  it("accept exactly an untampered delivery signed by the allowed key set within the freshness window; refuse the rest with webhook.bad_signature", async ({
    task,
  }) => {
    await check(
      task,
      "webhook-tl-signature",
      fc.asyncProperty(deliveryCase, async (c) => {
        const timestamp = new Date(NOW.getTime() - c.ageSeconds * 1000).toISOString();
        const signed = await (c.signer === "ours" ? signer : foreignSigner).sign(PATH, timestamp, c.body);
        const headers: Record<string, string> = { "tl-signature": c.signature ?? signed };
        if (!c.dropTimestamp)
          headers["X-Tl-Webhook-Timestamp"] = c.tamperTimestamp ? new Date(NOW.getTime() - (c.ageSeconds + 1) * 1000).toISOString() : timestamp;
        const body = c.tamperBody !== undefined && c.tamperBody !== c.body ? c.tamperBody : c.body;
        // truelayer-signing also tries the path with the trailing slash toggled (its #80); the app's routes are exact, so that is harmless.
        const pathChanged = c.tamperPath !== undefined && c.tamperPath !== `${PATH}/`;
        const tampered = body !== c.body || pathChanged || c.tamperTimestamp || c.signature !== undefined;
        const valid = c.signer === "ours" && !tampered && !c.dropTimestamp && Math.abs(c.ageSeconds) <= 300;
        const outcome = await verifyTl({ path: c.tamperPath ?? PATH, headers, body }).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        if (outcome.ok) expect(valid, "accepted a delivery the oracle refuses").toBe(true);
        else {
          expect(outcome.error).toBeInstanceOf(BadSignatureError);
          expect(valid, `refused a valid delivery: ${(outcome.error as Error).message}`).toBe(false);
        }
      }),
      runs(800),
    );
  });
});
