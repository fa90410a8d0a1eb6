import { ExpenzezError } from "@expenzez/common";
import type { Repositories } from "@expenzez/db";
import { type CallContext, InvalidGrantError, type TrueLayerClient, TrueLayerError } from "@expenzez/truelayer";

export interface DisconnectResult {
  userId: string;
  connectionId: string;
  /** `revoked`: this call revoked the consent; `already_revoked`: TrueLayer had no live consent (refresh refused). */
  trueLayer: "revoked" | "already_revoked";
  /** The stored tokens are deleted and the connection is out of the schedule. */
  disconnected: boolean;
}

/** No such connection for this user. */
export class DisconnectNotFoundError extends ExpenzezError {
  constructor(userId: string, connectionId: string) {
    super("disconnect.not_found", `no connection ${connectionId} for user ${userId}`, { retryable: false });
  }
}

/** TrueLayer did not confirm the revocation: nothing changed locally, so it can simply be run again. */
export class RevocationFailedError extends ExpenzezError {
  constructor(cause: TrueLayerError) {
    super("disconnect.truelayer_failed", `TrueLayer did not revoke the consent (${cause.code}): nothing changed here; run it again`, {
      cause,
      retryable: true,
    });
  }
}

/**
 * Disconnects a bank connection, the one implementation for the ops CLI's `connection disconnect`
 * and the app's `DELETE /v1/connections/{id}`: revokes the consent at TrueLayer (`DELETE
 * /api/delete` with a fresh access token), then deletes the stored tokens, marks it `revoked` and
 * drops it from the sync schedule. Nothing local changes unless TrueLayer confirmed (or its
 * refresh said the consent is gone already), so a failure can simply be run again; so can a success.
 */
export async function disconnectConnection(
  deps: { connections: Repositories["connections"]; truelayer: TrueLayerClient },
  target: { userId: string; connectionId: string; correlationId: string },
  now = new Date(),
): Promise<DisconnectResult> {
  const { userId, connectionId, correlationId } = target;
  const connection = await deps.connections.get(userId, connectionId);
  if (!connection) throw new DisconnectNotFoundError(userId, connectionId);
  let trueLayer: DisconnectResult["trueLayer"] = "revoked";
  if (connection.accessToken === undefined || connection.refreshToken === undefined) {
    // Disconnected before (the tokens are what a revocation needs, and they are gone).
    trueLayer = "already_revoked";
  } else {
    const refreshToken = connection.refreshToken;
    // A rotated pair is stored at once: if the revocation then fails, the connection still works.
    const refresh = async () => {
      // TrueLayer retires the old refresh token as it answers: our key must seal before we ask (ADR 0073).
      await deps.connections.ensureSealable(connection);
      const tokens = await deps.truelayer.refreshToken(refreshToken, { connectionId, correlationId });
      await deps.connections.storeTokens(
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
      await deps.truelayer.deleteConnection(call);
    } catch (err) {
      if (err instanceof InvalidGrantError) trueLayer = "already_revoked";
      else if (err instanceof TrueLayerError) throw new RevocationFailedError(err);
      else throw err;
    }
  }
  const disconnected = await deps.connections.disconnect(userId, connectionId, now.toISOString());
  return { userId, connectionId, trueLayer, disconnected };
}
