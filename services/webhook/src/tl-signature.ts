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
const headerSchema = z.looseObject({ kid: z.string().min(1) });

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
  const cache = new Map<string, { text: string; kids: Set<string>; fetchedAt: number }>();

  async function keySet(jku: string, kid: string): Promise<string> {
    const cached = cache.get(jku);
    if (cached && (cached.kids.has(kid) || now().getTime() - cached.fetchedAt < cooldownMs)) return cached.text;
    let text: string;
    try {
      const res = await doFetch(jku, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      // A stale set is better than none while the key server hiccups.
      if (cached) return cached.text;
      throw new BadSignatureError(`could not fetch the signing keys from ${jku}`, { cause: err });
    }
    const parsed = jwksSchema.safeParse(safeJson(text));
    if (!parsed.success) throw new BadSignatureError(`signing keys at ${jku} are not a JWKS`);
    cache.set(jku, { text, kids: new Set(parsed.data.keys.flatMap((k) => (k.kid ? [k.kid] : []))), fetchedAt: now().getTime() });
    return text;
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
      throw new BadSignatureError("Tl-Signature is not a JWS with a kid", { cause: err });
    }
    if (!jku || !options.allowedJkus.includes(jku)) throw new BadSignatureError(`jku ${jku ?? "(none)"} is not on the allow list`);

    const timestamp = headers["x-tl-webhook-timestamp"];
    const sentAt = timestamp ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(sentAt)) throw new BadSignatureError("no usable X-Tl-Webhook-Timestamp");
    if (Math.abs(now().getTime() - sentAt) > maxAgeMs) throw new BadSignatureError(`webhook timestamp ${timestamp} is outside ${maxAgeMs / 1000} s of now`);

    const jwks = await keySet(jku, kid);
    try {
      verify({
        jwks,
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
