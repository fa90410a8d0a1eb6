import type { OutboxRecord } from "@expenzez/db";
import { type BankConnection, bankConnectionEntity, transactWrite, txPutVersioned } from "@expenzez/db";
import { InvalidGrantError, type TrueLayerError } from "@expenzez/truelayer";
import type { SyncDeps } from "./deps";
import { outboxAction } from "./events";

/** Refresh the access token when it expires within this long: a sync must not run out mid-way. */
export const REFRESH_MARGIN_MS = 5 * 60_000;

type ReconnectReason = "invalid_grant" | "consent_expired" | "access_denied" | "refresh_token_expired";

/**
 * Returns the connection with an access token good for the next 5 minutes. A refreshed pair is
 * stored (sealed by the repository, conditional on the version) before it is used: TrueLayer
 * rotates refresh tokens, so an unstored pair would lose the connection.
 */
export async function withFreshToken(deps: SyncDeps, connection: BankConnection, now: Date, force = false): Promise<BankConnection> {
  if (!force && Date.parse(connection.tokenExpiresAt) - now.getTime() > REFRESH_MARGIN_MS) return connection;
  const tokens = await deps.truelayer.refreshToken(connection.refreshToken, { connectionId: connection.connectionId });
  return deps.repos.connections.updateVersioned(
    {
      ...connection,
      accessToken: tokens.accessToken,
      // The client returns the old refresh token when TrueLayer sent none.
      refreshToken: tokens.refreshToken,
      tokenExpiresAt: tokens.expiresAt.toISOString(),
      updatedAt: now.toISOString(),
    },
    connection.version,
  );
}

/** The ConnectionReconnectRequired reason for a TrueLayer error of kind `needs_reconnect`. */
export function reconnectReason(err: TrueLayerError, connection: BankConnection, now: Date): ReconnectReason {
  if (Date.parse(connection.consentExpiresAt) <= now.getTime()) return "consent_expired";
  return err instanceof InvalidGrantError ? "invalid_grant" : "access_denied";
}

/**
 * Marks the connection `reconnect_required` (which drops it from the scheduling index) and
 * writes ConnectionReconnectRequired to the outbox in the same transaction.
 */
export async function markReconnectRequired(deps: SyncDeps, connection: BankConnection, reason: ReconnectReason, now: Date): Promise<OutboxRecord> {
  const sealed = await deps.repos.connections.seal({ ...connection, status: "reconnect_required", updatedAt: now.toISOString() });
  const event = outboxAction(
    deps.db,
    "ConnectionReconnectRequired",
    { userId: connection.userId, connectionId: connection.connectionId, providerId: connection.providerId, reason },
    now,
  );
  await transactWrite(deps.db.doc, [txPutVersioned(deps.db, bankConnectionEntity, sealed, connection.version), event.action]);
  return event.record;
}

/** Records a sync that failed for good: failure stats, the next attempt, ConnectionSyncFailed. */
export async function markSyncFailed(
  deps: SyncDeps,
  connection: BankConnection,
  failure: { code: string; retryable: boolean; nextSyncAt: Date },
  now: Date,
): Promise<OutboxRecord> {
  const stats = connection.syncStats ?? { totalSyncs: 0, consecutiveFailures: 0 };
  const consecutiveFailures = (stats.consecutiveFailures ?? 0) + 1;
  const sealed = await deps.repos.connections.seal({
    ...connection,
    nextSyncAt: failure.nextSyncAt.toISOString(),
    syncStats: { ...stats, consecutiveFailures, lastErrorCode: failure.code },
    updatedAt: now.toISOString(),
  });
  const event = outboxAction(
    deps.db,
    "ConnectionSyncFailed",
    { userId: connection.userId, connectionId: connection.connectionId, errorCode: failure.code, retryable: failure.retryable, attempts: consecutiveFailures },
    now,
  );
  await transactWrite(deps.db.doc, [txPutVersioned(deps.db, bankConnectionEntity, sealed, connection.version), event.action]);
  return event.record;
}
