import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { UnauthenticatedError } from "./errors";

/** Who the app's bearer token says the caller is. */
export interface Caller {
  userId: string;
}

export type BearerVerifier = (authorization: string | undefined) => Promise<Caller>;

export interface BearerOptions {
  /** The identity provider's key set: a URL (fetched and cached by jose) or a key-set function. */
  jwks: URL | JWTVerifyGetKey;
  issuer: string;
  audience: string;
  /** Seconds of clock skew tolerated on `exp`/`nbf`. */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

/**
 * Verifies `Authorization: Bearer <JWT>` against the configured JWKS: signature, issuer,
 * audience and expiry. The user is the token's `sub`.
 */
export function bearerVerifier(options: BearerOptions): BearerVerifier {
  const keySet = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks, { timeoutDuration: 5000, cooldownDuration: 30_000 }) : options.jwks;
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization ?? "")?.[1];
    if (!token) throw new UnauthenticatedError("missing or malformed bearer token");
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ["sub", "exp"],
        clockTolerance: options.clockToleranceSeconds ?? 30,
        ...(options.now ? { currentDate: options.now() } : {}),
      });
      if (!payload.sub || payload.sub.includes("#")) throw new UnauthenticatedError("token has no usable subject");
      return { userId: payload.sub };
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw err;
      const reason = err instanceof errors.JWTExpired ? "token expired" : err instanceof errors.JOSEError ? `token rejected (${err.code})` : "token rejected";
      throw new UnauthenticatedError(reason, { cause: err });
    }
  };
}
