import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/**
 * A stand-in for the app's identity provider: a fresh ES256 key pair, its JWKS served on
 * loopback, and access tokens for any user. The webhook verifies them exactly as in production.
 */
export async function startDemoAuth() {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const kid = `demo-${Date.now()}`;
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" }] });
  const server = createServer((req, res) => {
    if (req.url === "/.well-known/jwks.json") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(jwks);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/`;
  const audience = "expenzez-app";
  return {
    jwksUrl: `${base}/.well-known/jwks.json`,
    issuer,
    audience,
    /** A 5-minute access token for `userId`. */
    token: (userId: string) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "ES256", kid })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
