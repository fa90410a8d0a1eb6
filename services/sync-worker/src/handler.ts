import { randomUUID } from "node:crypto";
import { createCategoriser } from "@expenzez/categoriser";
import { type BankConnection, ConditionalCheckFailedError, type OutboxRecord, type TransactionInput } from "@expenzez/db";
import type { Logger } from "@expenzez/logger";
import { type QueueMessage, relayOutboxRecords } from "@expenzez/runtime";
import { isAttended, nextSyncAt, parseSyncJob, type SyncJob, toStoredTransaction } from "@expenzez/sync";
import { type CallContext, TrueLayerError, utcDay } from "@expenzez/truelayer";
import { markReconnectRequired, markSyncFailed, reconnectReason, withFreshToken } from "./connection";
import type { SyncDeps } from "./deps";
import { InvalidJobError, LeaseHeldError, ProviderUnavailableError, UnknownConnectionError } from "./errors";
import { type FetchedAccount, fetchConnection } from "./fetch";
import { PSD2_UNATTENDED_PER_DAY, unattendedToday } from "./psd2";
import { syncWindow } from "./window";
import { syncAccount } from "./write-account";

const DEFAULT_LEASE_SECONDS = 240;

/**
 * Syncs one bank connection for one SyncJob message (DESIGN section 3). Returns when the job
 * is done (synced, skipped, rescheduled, or the connection needs the user); throws
 * PermanentFailure for a job that can never succeed and RetryLater for one to redeliver.
 *
 * @example await handleSyncJob(message, deps)
 */
export async function handleSyncJob(message: Pick<QueueMessage, "body">, deps: SyncDeps): Promise<void> {
  const parsed = parseSyncJob(message.body);
  if (!parsed.ok) throw new InvalidJobError(parsed.reason);
  const job = parsed.job;
  const log = deps.log.child({ jobId: job.jobId, userId: job.userId, connectionId: job.connectionId, reason: job.reason });
  const now = (deps.now ?? (() => new Date()))();

  const found = await deps.repos.connections.get(job.userId, job.connectionId);
  if (!found) throw new UnknownConnectionError(job.userId, job.connectionId);
  if (found.status !== "active") {
    log.info({ status: found.status }, "connection is not active: nothing to sync");
    return;
  }

  const leaseSeconds = deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  // One owner per delivery, so a redelivery of the same job to this worker also waits its turn.
  const owner = `${deps.workerId}:${randomUUID()}`;
  try {
    await deps.repos.connections.acquireLease(
      job.userId,
      job.connectionId,
      owner,
      new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      now.toISOString(),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedError)) throw err;
    const remaining = found.leaseUntil ? Math.ceil((Date.parse(found.leaseUntil) - now.getTime()) / 1000) : leaseSeconds;
    throw new LeaseHeldError(job.connectionId, Math.max(1, Math.min(remaining, leaseSeconds)), { cause: err });
  }

  const records: OutboxRecord[] = [];
  try {
    // Re-read under the lease: versioned puts are conditional on the lease fields they write back.
    const leased = await deps.repos.connections.get(job.userId, job.connectionId);
    if (!leased) throw new UnknownConnectionError(job.userId, job.connectionId);
    records.push(...(await syncLeased(deps, job, leased, now, log)));
  } finally {
    await deps.repos.connections
      .releaseLease(job.userId, job.connectionId, owner)
      .catch((err: unknown) => log.warn({ err }, "lease release failed; it expires on its own"));
  }
  await relay(deps, records, log);
}

async function relay(deps: SyncDeps, records: OutboxRecord[], log: Logger): Promise<void> {
  try {
    await relayOutboxRecords(deps.relay, records);
  } catch (err) {
    // Committed already: the outbox sweep publishes what this relay could not.
    log.warn({ err, records: records.length }, "outbox relay failed; the sweep will publish");
  }
}

async function syncLeased(deps: SyncDeps, job: SyncJob, start: BankConnection, now: Date, log: Logger): Promise<OutboxRecord[]> {
  let connection = start;
  const attended = isAttended(job);
  const random = deps.random ?? Math.random;
  const spent = unattendedToday(connection, now);
  if (!attended && job.reason === "scheduled" && spent >= PSD2_UNATTENDED_PER_DAY) {
    await deps.repos.connections.updateVersioned(
      { ...connection, nextSyncAt: nextSyncAt({ now, unattendedToday: spent, random }).toISOString(), updatedAt: now.toISOString() },
      connection.version,
    );
    log.info({ spent }, "PSD2 unattended limit reached today: rescheduled for tomorrow");
    return [];
  }

  // Consent past its 90 days: the bank would refuse every call; ask the user now.
  if (Date.parse(connection.consentExpiresAt) <= now.getTime()) {
    log.warn("consent expired: the user must reconnect");
    return [await markReconnectRequired(deps, connection, "consent_expired", now)];
  }

  const startedAt = Date.now();
  let fetched: FetchedAccount[];
  const window = syncWindow({ now, lastSyncAt: connection.lastSyncAt, attended });
  try {
    connection = await withFreshToken(deps, connection, now);
    // A 401 mid-sync refreshes once; shared so parallel calls do not rotate the token twice.
    let refreshing: Promise<string> | undefined;
    const ctx: CallContext = {
      accessToken: connection.accessToken,
      connectionId: connection.connectionId,
      providerId: connection.providerId,
      correlationId: job.jobId,
      ...(attended ? { psuIp: job.psuIp } : {}),
      refreshAccessToken: () => {
        refreshing ??= withFreshToken(deps, connection, now, true).then((c) => {
          connection = c;
          return c.accessToken;
        });
        return refreshing;
      },
    };
    fetched = await fetchConnection(deps.truelayer, ctx, window, deps.accountConcurrency ?? 4);
  } catch (err) {
    if (!(err instanceof TrueLayerError)) throw err;
    return [await onProviderError(deps, connection, err, now, log)];
  }

  // One batch for the whole connection, so transfers between its accounts pair up.
  const rules = await deps.repos.rules.listAllByUser(job.userId);
  const categoriser = createCategoriser({ userId: job.userId, rules, ownAccounts: fetched.map((a) => a.accountId) });
  const raw = fetched.flatMap((a) => [
    ...(a.data?.booked ?? []).map((tl) => ({ tl, accountId: a.accountId, status: "booked" as const })),
    ...(a.data?.pending ?? []).map((tl) => ({ tl, accountId: a.accountId, status: "pending" as const })),
  ]);
  const categorisations = categoriser.categoriseBatch(raw.map(({ tl, accountId }) => ({ ...tl, accountId })));
  const byAccount = new Map<string, TransactionInput[]>();
  raw.forEach(({ tl, accountId, status }, i) => {
    const stored = toStoredTransaction(tl, categorisations[i] as (typeof categorisations)[number], {
      userId: job.userId,
      connectionId: connection.connectionId,
      accountId,
      status,
      now: now.toISOString(),
    });
    byAccount.set(accountId, [...(byAccount.get(accountId) ?? []), stored]);
  });

  const records: OutboxRecord[] = [];
  const totals = { added: 0, changed: 0, removed: 0 };
  for (const account of fetched) {
    const result = await syncAccount(deps, {
      userId: job.userId,
      connectionId: connection.connectionId,
      syncId: job.jobId,
      fetched: account,
      transactions: byAccount.get(account.accountId) ?? [],
      window,
      now,
    });
    records.push(...result.records);
    totals.added += result.added;
    totals.changed += result.changed;
    totals.removed += result.removed;
  }

  const counted = job.reason === "scheduled" && !attended ? spent + 1 : spent;
  const stats = connection.syncStats ?? { totalSyncs: 0, consecutiveFailures: 0 };
  await deps.repos.connections.updateVersioned(
    {
      ...connection,
      lastSyncAt: now.toISOString(),
      nextSyncAt: nextSyncAt({ now, unattendedToday: counted, random }).toISOString(),
      unattendedRefreshes: { day: utcDay(now), count: counted },
      syncStats: {
        ...stats,
        totalSyncs: (stats.totalSyncs ?? 0) + 1,
        consecutiveFailures: 0,
        lastDurationMs: Date.now() - startedAt,
        lastNew: totals.added,
        lastChanged: totals.changed,
        lastRemoved: totals.removed,
        lastErrorCode: undefined,
      },
      updatedAt: now.toISOString(),
    },
    connection.version,
  );
  log.info({ ...totals, accounts: fetched.length, window }, "connection synced");
  return records;
}

/** What a TrueLayer failure means for this job, by the error's kind (decided in the client). */
async function onProviderError(deps: SyncDeps, connection: BankConnection, err: TrueLayerError, now: Date, log: Logger): Promise<OutboxRecord> {
  switch (err.kind) {
    case "retryable":
      throw new ProviderUnavailableError(connection.connectionId, err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000), {
        cause: err,
      });
    case "needs_reconnect": {
      const reason = reconnectReason(err, connection, now);
      log.warn({ code: err.code, reason }, "connection needs the user to reconnect");
      return markReconnectRequired(deps, connection, reason, now);
    }
    case "provider_limit": {
      // The bank's own daily budget is spent: try again tomorrow.
      log.warn({ code: err.code }, "bank's unattended limit reached: rescheduled for tomorrow");
      const next = nextSyncAt({ now, unattendedToday: PSD2_UNATTENDED_PER_DAY, random: deps.random });
      return markSyncFailed(deps, connection, { code: err.code, retryable: true, nextSyncAt: next }, now);
    }
    default: {
      log.error({ err, code: err.code }, "sync failed permanently");
      const next = nextSyncAt({ now, unattendedToday: unattendedToday(connection, now), random: deps.random });
      return markSyncFailed(deps, connection, { code: err.code, retryable: false, nextSyncAt: next }, now);
    }
  }
}
