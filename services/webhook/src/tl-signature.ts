import { createPublicKey, type JsonWebKey } from "node:crypto";
import { extractJku, type HttpMethod, verify } from "truelayer-signing";
import { z } from "zod";
import { BadSignatureError } from "./errors";

/** What a signed TrueLayer delivery brings: the path it was POSTed to, its headers and raw body. */
export interface SignedDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface TlSignatureOptions {
  /** Key-set URLs we accept in a signature's `jku` (exact match); anything else is refused unfetched. */
  allowedJkus: readonly string[];
  /** How old (or how far ahead) `X-Tl-Webhook-Timestamp` may be. */
  maxAgeSeconds?: number;
  /** A key set is refetched at most this often when a `kid` is unknown (a rotation). */
  refetchCooldownSeconds?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

export type TlSignatureVerifier = (delivery: SignedDelivery) => Promise<void>;

const jwksSchema = z.object({ keys: z.array(z.looseObject({ kid: z.string().optional() })) });
/** TrueLayer signs with ES512 only; any other `alg` is refused before verification (no algorithm confusion). */
const headerSchema = z.looseObject({ kid: z.string().min(1), alg: z.literal("ES512") });

/**
 * Verifies TrueLayer's `Tl-Signature` (detached JWS, checked by `truelayer-signing`) against the
 * JWKS named by its `jku`, which must be on the allow list. Key sets are cached per jku and
 * refetched when a signature names a kid we have not seen. The library does not check
 * freshness: the signed `X-Tl-Webhook-Timestamp` must be within `maxAgeSeconds` of now.
 */
export function tlSignatureVerifier(options: TlSignatureOptions): TlSignatureVerifier {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
  const cooldownMs = (options.refetchCooldownSeconds ?? 60) * 1000;
  // Per jku: each key as PEM, converted once. Handing `truelayer-signing` the JWKS instead makes it
  // convert (and validate the curve point in pure JS) on every call: ~40 ms of CPU per request, measured.
  const cache = new Map<string, { pems: Map<string, string>; fetchedAt: number }>();

  async function publicKeyPem(jku: string, kid: string): Promise<string> {
    const found = await keySet(jku, kid);
    const pem = found.get(kid);
    if (!pem) throw new BadSignatureError(`no key ${kid} in the key set at ${jku}`);
    return pem;
  }

  async function keySet(jku: string, kid: string): Promise<Map<string, string>> {
    const cached = cache.get(jku);
    if (cached && (cached.pems.has(kid) || now().getTime() - cached.fetchedAt < cooldownMs)) return cached.pems;
    let text: string;
    try {
      const res = await doFetch(jku, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      // A stale set is better than none while the key server hiccups.
      if (cached) return cached.pems;
      throw new BadSignatureError(`could not fetch the signing keys from ${jku}`, { cause: err });
    }
    const parsed = jwksSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new BadSignatureError(`signing keys at ${jku} are not a JWKS`);
    const pems = new Map<string, string>();
    for (const key of parsed.data.keys) {
      if (!key.kid) continue;
      try {
        pems.set(
          key.kid,
          createPublicKey({ key: key as JsonWebKey, format: "jwk" })
            .export({ type: "spki", format: "pem" })
            .toString(),
        );
      } catch {
        // A key we cannot read verifies nothing; the others still do.
      }
    }
    cache.set(jku, { pems, fetchedAt: now().getTime() });
    return pems;
  }

  return async (delivery) => {
    const headers = lowerCased(delivery.headers);
    const signature = headers["tl-signature"];
    if (!signature) throw new BadSignatureError("no Tl-Signature header");
    let jku: string | undefined;
    let kid: string;
    try {
      jku = extractJku(signature);
      kid = headerSchema.parse(JSON.parse(Buffer.from(signature.split(".")[0] ?? "", "base64url").toString("utf8"))).kid;
    } catch (err) {
      throw new BadSignatureError("Tl-Signature is not an ES512 JWS with a kid", { cause: err });
    }
    if (!jku || !options.allowedJkus.includes(jku)) throw new BadSignatureError(`jku ${jku ?? "(none)"} is not on the allow list`);

    const timestamp = headers["x-tl-webhook-timestamp"];
    const sentAt = timestamp ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(sentAt)) throw new BadSignatureError("no usable X-Tl-Webhook-Timestamp");
    if (Math.abs(now().getTime() - sentAt) > maxAgeMs) throw new BadSignatureError(`webhook timestamp ${timestamp} is outside ${maxAgeMs / 1000} s of now`);

    const pem = await publicKeyPem(jku, kid);
    try {
      verify({
        publicKeyPem: pem,
        signature,
        method: "POST" as HttpMethod,
        path: delivery.path,
        headers,
        body: delivery.body,
        requiredHeaders: ["X-Tl-Webhook-Timestamp"],
      });
    } catch (err) {
      throw new BadSignatureError("Tl-Signature does not verify", { cause: err });
    }
  };
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
