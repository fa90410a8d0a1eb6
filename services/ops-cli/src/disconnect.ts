import { loadConfig } from "@expenzez/config";
import { type CallContext, createTrueLayerClient, InvalidGrantError, type TrueLayerClient, TrueLayerError } from "@expenzez/truelayer";
import { z } from "zod";
import type { OpsContext } from "./context";
import { OpsError } from "./errors";

/** The TrueLayer client the sync worker uses, from the same variables (TRUELAYER_AUTH_URL, ...). */
export function trueLayerFromEnv(ctx: OpsContext, env: Record<string, string | undefined> = process.env): TrueLayerClient {
  const config = loadConfig(
    { ...env, STAGE: ctx.config.STAGE, AWS_REGION: ctx.config.AWS_REGION, AWS_ENDPOINT_URL: ctx.config.AWS_ENDPOINT_URL },
    z.object({
      TRUELAYER_AUTH_URL: z.url(),
      TRUELAYER_DATA_URL: z.url(),
      TRUELAYER_CLIENT_ID: z.string().min(1),
      TRUELAYER_CLIENT_SECRET: z.string().min(1),
    }),
  );
  return createTrueLayerClient({
    authBaseUrl: config.TRUELAYER_AUTH_URL,
    dataBaseUrl: config.TRUELAYER_DATA_URL,
    clientId: config.TRUELAYER_CLIENT_ID,
    clientSecret: config.TRUELAYER_CLIENT_SECRET,
    logger: ctx.log,
  });
}

export interface DisconnectResult {
  userId: string;
  connectionId: string;
  /** `revoked`: this call revoked the consent; `already_revoked`: TrueLayer had no live consent (refresh refused). */
  trueLayer: "revoked" | "already_revoked";
  /** The stored tokens are deleted and the connection is out of the schedule. */
  disconnected: boolean;
}

/**
 * Disconnects a bank connection: revokes the consent at TrueLayer (`DELETE /api/delete` with a
 * fresh access token), then deletes the stored tokens, marks it `revoked` and drops it from the
 * sync schedule. Nothing local changes unless TrueLayer confirmed (or its refresh said the
 * consent is gone already), so a failure can simply be run again; so can a success.
 */
export async function disconnectConnection(
  ctx: OpsContext,
  truelayer: TrueLayerClient,
  target: { userId: string; connectionId: string },
  now = new Date(),
): Promise<DisconnectResult> {
  const { userId, connectionId } = target;
  const connection = await ctx.repos.connections.get(userId, connectionId);
  if (!connection) throw new OpsError("ops.disconnect.not_found", `no connection ${connectionId} for user ${userId}`);
  const correlationId = `ops-disconnect-${connectionId}`.slice(0, 128);
  let trueLayer: DisconnectResult["trueLayer"] = "revoked";
  if (connection.accessToken === undefined || connection.refreshToken === undefined) {
    // Disconnected before (the tokens are what a revocation needs, and they are gone).
    trueLayer = "already_revoked";
  } else {
    const refreshToken = connection.refreshToken;
    // A rotated pair is stored at once: if the revocation then fails, the connection still works.
    const refresh = async () => {
      const tokens = await truelayer.refreshToken(refreshToken, { connectionId, correlationId });
      await ctx.repos.connections.storeTokens(
        connection,
        { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenExpiresAt: tokens.expiresAt.toISOString() },
        now.toISOString(),
      );
      return tokens.accessToken;
    };
    try {
      // An expired access token would answer 401: refresh first rather than fail once.
      const accessToken = Date.parse(connection.tokenExpiresAt) - now.getTime() > 60_000 ? connection.accessToken : await refresh();
      const call: CallContext = { accessToken, connectionId, providerId: connection.providerId, correlationId, refreshAccessToken: refresh };
      await truelayer.deleteConnection(call);
    } catch (err) {
      if (err instanceof InvalidGrantError) trueLayer = "already_revoked";
      else if (err instanceof TrueLayerError) {
        throw new OpsError("ops.disconnect.truelayer_failed", `TrueLayer did not revoke the consent (${err.code}): nothing changed here; run it again`);
      } else throw err;
    }
  }
  const disconnected = await ctx.repos.connections.disconnect(userId, connectionId, now.toISOString());
  ctx.log.info({ userId, connectionId, trueLayer, correlationId }, "connection disconnected");
  return { userId, connectionId, trueLayer, disconnected };
}
