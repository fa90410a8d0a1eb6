import type { OutboxRecord } from "@expenzez/db";
import { type BankConnection, transactWrite } from "@expenzez/db";
import { outboxAction } from "@expenzez/runtime";
import { InvalidGrantError, type TrueLayerError } from "@expenzez/truelayer";
import type { SyncDeps } from "./deps";

/** Refresh the access token when it expires within this long: a sync must not run out mid-way. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Completed job ids kept on the connection: a redelivered or duplicated job among them is a no-op. */
export const RECENT_JOBS = 10;

type ReconnectReason = "invalid_grant" | "consent_expired" | "access_denied" | "refresh_token_expired";

/**
 * Returns the connection with an access token good for the next 5 minutes. A refreshed pair is
 * stored (sealed by the repository) before it is used, unconditionally: TrueLayer rotates
 * refresh tokens, so an unstored pair would lose the connection, whatever became of the sync.
 */
export async function withFreshToken(deps: SyncDeps, connection: BankConnection, now: Date, force = false): Promise<BankConnection> {
  if (!force && Date.parse(connection.tokenExpiresAt) - now.getTime() > REFRESH_MARGIN_MS) return connection;
  // TrueLayer retires the old refresh token as it answers: our key must seal before we ask (ADR 0073).
  await deps.repos.connections.ensureSealable(connection);
  const tokens = await deps.truelayer.refreshToken(connection.refreshToken, { connectionId: connection.connectionId });
  return deps.repos.connections.storeTokens(
    connection,
    // The client returns the old refresh token when TrueLayer sent none.
    { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenExpiresAt: tokens.expiresAt.toISOString() },
    now.toISOString(),
  );
}

/** The ConnectionReconnectRequired reason for a TrueLayer error of kind `needs_reconnect`. */
export function reconnectReason(err: TrueLayerError, connection: BankConnection, now: Date): ReconnectReason {
  if (Date.parse(connection.consentExpiresAt) <= now.getTime()) return "consent_expired";
  return err instanceof InvalidGrantError ? "invalid_grant" : "access_denied";
}

/** The job ids to store once `jobId` completed: newest last, bounded. */
export function withCompletedJob(connection: Pick<BankConnection, "recentJobIds">, jobId: string): string[] {
  return [...(connection.recentJobIds ?? []).filter((id) => id !== jobId), jobId].slice(-RECENT_JOBS);
}

/** Quarantined transactions and accounts remembered on the connection (newest last). */
const QUARANTINE_KEPT = 20;

/**
 * The quarantine list to store after a sync refused `added` at `at`: newest last, bounded. An
 * entry refused again (same account, bank transaction and reason) moves to the end with its new
 * time instead of being listed twice, so one the bank keeps serving malformed cannot push the
 * others out.
 */
export function withQuarantined(
  connection: Pick<BankConnection, "quarantine">,
  added: readonly { accountId: string; providerTransactionId?: string; reason: string }[],
  at: string,
): NonNullable<BankConnection["quarantine"]> {
  const keyOf = (q: { accountId: string; providerTransactionId?: string; reason: string }) =>
    JSON.stringify([q.accountId, q.providerTransactionId ?? null, q.reason]);
  const again = new Set(added.map(keyOf));
  return [...(connection.quarantine ?? []).filter((q) => !again.has(keyOf(q))), ...added.map((q) => ({ ...q, at }))].slice(-QUARANTINE_KEPT);
}

/**
 * Marks the connection `reconnect_required` (which drops it from the scheduling index) and
 * writes ConnectionReconnectRequired to the outbox in the same transaction, releasing the lease.
 */
export async function markReconnectRequired(
  deps: SyncDeps,
  connection: BankConnection,
  reason: ReconnectReason,
  now: Date,
  run: { owner: string; jobId: string; correlationId?: string },
): Promise<OutboxRecord> {
  const finished: BankConnection = {
    ...connection,
    status: "reconnect_required",
    recentJobIds: withCompletedJob(connection, run.jobId),
    updatedAt: now.toISOString(),
  };
  const event = outboxAction(
    deps.db,
    {
      detailType: "ConnectionReconnectRequired",
      input: {
        userId: connection.userId,
        connectionId: connection.connectionId,
        providerId: connection.providerId,
        reason,
        ...(run.correlationId ? { correlationId: run.correlationId } : {}),
      },
    },
    now,
  );
  await transactWrite(deps.db.doc, [await deps.repos.connections.finishLeasedAction(finished, connection.version, run.owner), event.action]);
  return event.record;
}

/** Records a sync that failed for good: failure stats, the next attempt, ConnectionSyncFailed; releases the lease. */
export async function markSyncFailed(
  deps: SyncDeps,
  connection: BankConnection,
  failure: { code: string; retryable: boolean; nextSyncAt: Date },
  now: Date,
  run: { owner: string; jobId: string; correlationId?: string },
): Promise<OutboxRecord> {
  const stats = connection.syncStats ?? { totalSyncs: 0, consecutiveFailures: 0 };
  const consecutiveFailures = (stats.consecutiveFailures ?? 0) + 1;
  const finished: BankConnection = {
    ...connection,
    nextSyncAt: failure.nextSyncAt.toISOString(),
    syncStats: { ...stats, consecutiveFailures, lastErrorCode: failure.code },
    recentJobIds: withCompletedJob(connection, run.jobId),
    updatedAt: now.toISOString(),
  };
  const event = outboxAction(
    deps.db,
    {
      detailType: "ConnectionSyncFailed",
      input: {
        userId: connection.userId,
        connectionId: connection.connectionId,
        errorCode: failure.code,
        retryable: failure.retryable,
        attempts: consecutiveFailures,
        ...(run.correlationId ? { correlationId: run.correlationId } : {}),
      },
    },
    now,
  );
  await transactWrite(deps.db.doc, [await deps.repos.connections.finishLeasedAction(finished, connection.version, run.owner), event.action]);
  return event.record;
}
