import { loadConfig } from "@expenzez/config";
import { DisconnectNotFoundError, type DisconnectResult, disconnectConnection as disconnect, RevocationFailedError } from "@expenzez/sync";
import { createTrueLayerClient, type TrueLayerClient } from "@expenzez/truelayer";
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

export type { DisconnectResult };

/**
 * `connection disconnect`: the shared disconnect (`@expenzez/sync`, also behind the app's
 * `DELETE /v1/connections/{id}`) with the CLI's errors and log line.
 */
export async function disconnectConnection(
  ctx: OpsContext,
  truelayer: TrueLayerClient,
  target: { userId: string; connectionId: string },
  now = new Date(),
): Promise<DisconnectResult> {
  const correlationId = `ops-disconnect-${target.connectionId}`.slice(0, 128);
  try {
    const result = await disconnect({ connections: ctx.repos.connections, truelayer }, { ...target, correlationId }, now);
    ctx.log.info({ userId: target.userId, connectionId: target.connectionId, trueLayer: result.trueLayer, correlationId }, "connection disconnected");
    return result;
  } catch (err) {
    if (err instanceof DisconnectNotFoundError) throw new OpsError("ops.disconnect.not_found", err.message);
    if (err instanceof RevocationFailedError) throw new OpsError("ops.disconnect.truelayer_failed", err.message);
    throw err;
  }
}
