import { randomUUID } from "node:crypto";
import { createCategoriser } from "@expenzez/categoriser";
import { PSD2_UNATTENDED_PER_DAY, utcDay } from "@expenzez/common";
import { sealedValueFault } from "@expenzez/crypto";
import {
  type BankConnection,
  bankAccountEntity,
  bankConnectionEntity,
  ConditionalCheckFailedError,
  getEntity,
  keys,
  listAllUserItems,
  type OutboxRecord,
  SK_PREFIX,
  type StoredBankAccount,
  type Transaction,
} from "@expenzez/db";
import { type AsyncResultsRef, countsAsUnattended, isAttended, jobCorrelationId, parseSyncJob, type SyncJob } from "@expenzez/events";
import { bindCorrelationId, type Logger } from "@expenzez/logger";
import { deferralsOf, PermanentFailure, type QueueMessage, RetryLater, relayOutboxRecords } from "@expenzez/runtime";
import {
  boundedText,
  categorisableOf,
  nextSyncAt,
  type OccurrenceMemory,
  occurrenceMemory,
  occurrencesOf,
  storableId,
  toStoredTransaction,
  unattendedToday,
} from "@expenzez/sync";
import {
  type CallContext,
  ForeignResultsUriError,
  InvalidGrantError,
  type TransactionList,
  TrueLayerError,
  type TrueLayerTransaction,
} from "@expenzez/truelayer";
import { markReconnectRequired, markSyncFailed, reconnectReason, withCompletedJob, withFreshToken, withQuarantined } from "./connection";
import { coveredByCompletedSync, leaseHeld } from "./contention";
import type { SyncDeps } from "./deps";
import {
  ForeignResultsHostError,
  InvalidJobError,
  LeaseHeldError,
  ProviderRetriesExhaustedError,
  TokenRotatedElsewhereError,
  UnknownConnectionError,
} from "./errors";
import { type FetchedAccount, fetchBooked, fetchConnection, type UnreadableAccount } from "./fetch";
import { type BatchBounds, batchBounds, historySlices, type Slice, timeOf } from "./history";
import { keepLease, type LeaseKeeper } from "./lease";
import { emitMetric, emitSyncFailure, emitSyncMetrics, METRICS } from "./metrics";
import { planReads } from "./plan";
import { fetchResults, resultsRequest } from "./results";
import { onTokenFault } from "./token-fault";
import { syncWindow } from "./window";
import { type SyncTotals, syncAccounts } from "./write-account";

const DEFAULT_LEASE_SECONDS = 240;
const DEFAULT_LEASE_RETRY_SECONDS = 15;

/** One leased run of a job: who holds the lease, and what must settle before it is released. */
interface Run {
  job: SyncJob;
  jobId: string;
  /** Carried by every event this run writes (`jobCorrelationId`). */
  correlationId: string;
  owner: string;
  keeper: LeaseKeeper;
  /** The terminal connection write released the lease already. */
  released: boolean;
  /** A token refresh in flight: its rotated pair is stored before the run lets go. */
  refreshing?: Promise<unknown>;
}

interface Quarantined {
  accountId: string;
  providerTransactionId?: string;
  reason: string;
}

/**
 * Syncs one bank connection for one SyncJob message (DESIGN section 3). Returns when the job
 * is done (synced, skipped, rescheduled, a duplicate, or the connection needs the user); throws
 * PermanentFailure for a job that can never succeed and RetryLater for one to redeliver.
 *
 * @example await handleSyncJob(message, deps)
 */
export async function handleSyncJob(message: Pick<QueueMessage, "body"> & Partial<Pick<QueueMessage, "attributes">>, deps: SyncDeps): Promise<void> {
  deps.phases?.("parse");
  const parsed = parseSyncJob(message.body);
  if (!parsed.ok) throw new InvalidJobError(parsed.reason);
  await syncConnection(parsed.job, deps, { deferrals: message.attributes ? deferralsOf({ attributes: message.attributes }) : 0 });
}

/**
 * The use case without the message: syncs the job's connection. The ops CLI, tests and both
 * runtimes call it with a parsed job.
 */
export async function syncConnection(job: SyncJob, deps: SyncDeps, delivery: { deferrals?: number } = {}): Promise<void> {
  // The runtime's per-message logger has the correlation id bound already; the ops CLI's has not.
  const log = bindCorrelationId(deps.log, jobCorrelationId(job)).child({
    jobId: job.jobId,
    userId: job.userId,
    connectionId: job.connectionId,
    reason: job.reason,
  });
  try {
    await runJob(job, deps, log, delivery.deferrals ?? 0);
  } catch (err) {
    // The runtime's own retry line names only the message: this one names the job.
    if (err instanceof LeaseHeldError) log.info({ code: err.code, delaySeconds: err.delaySeconds }, "sync job deferred: another delivery holds the lease");
    else if (err instanceof RetryLater) log.warn({ code: err.code, delaySeconds: err.delaySeconds }, "sync job will be retried");
    else if (err instanceof PermanentFailure) log.error({ code: err.code }, "sync job failed permanently");
    throw err;
  }
}

/** `<worker>/<uuid>/job:<jobId>`: one owner per delivery, and the job a holder runs can be told. */
function leaseOwner(workerId: string, jobId: string): string {
  return `${workerId}/${randomUUID()}/job:${jobId}`;
}

function jobOfOwner(owner: string | undefined): string | undefined {
  const at = owner?.indexOf("/job:") ?? -1;
  return owner && at >= 0 ? owner.slice(at + "/job:".length) : undefined;
}

async function runJob(job: SyncJob, deps: SyncDeps, log: Logger, deferrals: number): Promise<void> {
  const now = (deps.now ?? (() => new Date()))();
  const leaseSeconds = deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const owner = leaseOwner(deps.workerId, job.jobId);
  let connection: BankConnection;
  deps.phases?.("lease");
  try {
    // One write takes the lease and reads the connection under it.
    connection = await deps.repos.connections.acquireLease(
      job.userId,
      job.connectionId,
      owner,
      new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      now.toISOString(),
    );
  } catch (err) {
    // Leased, but its tokens cannot be opened: by whose fault decides what follows (ADR 0073).
    const fault = sealedValueFault(err);
    if (fault) return onTokenFault(deps, job, err, fault, now, log);
    if (!(err instanceof ConditionalCheckFailedError)) throw err;
    // Stored form: no token is opened just to see who holds the lease.
    const found = await getEntity(deps.db, bankConnectionEntity, keys.connection(job.userId, job.connectionId), { consistent: true });
    if (!found) throw new UnknownConnectionError(job.userId, job.connectionId);
    if (found.recentJobIds?.includes(job.jobId)) {
      emitMetric(log, METRICS.duplicateJobs, 1);
      log.info("this job already completed: nothing to do");
      return;
    }
    if (coveredByCompletedSync(found, job)) return covered(log, found);
    // The holder may be running this very job, or be this message's own earlier delivery that
    // died with the lease: never acknowledge on its behalf; come back soon and find it done.
    if (jobOfOwner(found.leaseOwner) === job.jobId) emitMetric(log, METRICS.duplicateJobs, 1);
    const remainingSeconds = found.leaseUntil ? Math.ceil((Date.parse(found.leaseUntil) - now.getTime()) / 1000) : leaseSeconds;
    throw leaseHeld(job.connectionId, {
      remainingSeconds,
      deferrals,
      retrySeconds: deps.leaseRetrySeconds ?? DEFAULT_LEASE_RETRY_SECONDS,
      random: deps.random ?? Math.random,
      cause: err,
    });
  }

  const keeper = keepLease(deps, job, owner, leaseSeconds, log, deps.signal);
  const run: Run = { job, jobId: job.jobId, correlationId: jobCorrelationId(job), owner, keeper, released: false };
  let records: OutboxRecord[] = [];
  try {
    records = await runLeased(deps, run, connection, now, log);
  } catch (err) {
    // Our key refusing to seal a refreshed pair, or a token read again mid-run that does not
    // open: decided as at the lease, now that the lease is given back (ADR 0073).
    const fault = sealedValueFault(err);
    if (fault) return onTokenFault(deps, job, err, fault, now, log);
    throw err;
  }
  await relay(deps, records, log);
}

/** The leased part of a run; the lease is released (unless a terminal write released it) whatever happens. */
async function runLeased(deps: SyncDeps, run: Run, connection: BankConnection, now: Date, log: Logger): Promise<OutboxRecord[]> {
  const { job, keeper, owner } = run;
  let records: OutboxRecord[] = [];
  try {
    if (connection.recentJobIds?.includes(job.jobId)) {
      emitMetric(log, METRICS.duplicateJobs, 1);
      log.info("this job already completed: nothing to do");
    } else if (coveredByCompletedSync(connection, job)) {
      covered(log, connection);
    } else if (connection.status !== "active") {
      log.info({ status: connection.status }, "connection is not active: nothing to sync");
    } else {
      records = await syncLeased(deps, run, connection, now, log);
    }
  } finally {
    deps.phases?.("release");
    keeper.stop();
    // A rotated pair is stored whatever became of the sync (the store is unconditional).
    if (run.refreshing) await run.refreshing.catch(() => {});
    if (!run.released) {
      await deps.repos.connections
        .releaseLease(job.userId, job.connectionId, owner)
        .catch((err: unknown) => log.warn({ err }, "lease release failed; it expires on its own"));
    }
  }
  return records;
}

/** A job a completed sync did the work of: logged and counted, nothing else (`contention.ts`). */
function covered(log: Logger, connection: Pick<BankConnection, "lastSyncAt">): void {
  emitMetric(log, METRICS.coveredJobs, 1);
  log.info({ lastSyncAt: connection.lastSyncAt }, "a sync that started after this job was requested completed: nothing to do");
}

async function relay(deps: SyncDeps, records: OutboxRecord[], log: Logger): Promise<void> {
  deps.phases?.("relay");
  try {
    await relayOutboxRecords(deps.relay, records, deps.outboxDeletes ? { deletes: deps.outboxDeletes } : {});
  } catch (err) {
    // Committed already: the outbox sweep publishes what this relay could not.
    log.warn({ err, records: records.length }, "outbox relay failed; the sweep will publish");
  }
}

async function syncLeased(deps: SyncDeps, run: Run, start: BankConnection, now: Date, log: Logger): Promise<OutboxRecord[]> {
  const { job } = run;
  let connection = start;
  const attended = isAttended(job);
  const random = deps.random ?? Math.random;
  const spent = unattendedToday(connection, now);
  if (countsAsUnattended(job) && spent >= PSD2_UNATTENDED_PER_DAY) {
    run.keeper.guard();
    await deps.repos.connections.finishLeased(
      {
        ...connection,
        nextSyncAt: nextSyncAt({ now, unattendedToday: spent, random }).toISOString(),
        recentJobIds: withCompletedJob(connection, job.jobId),
        updatedAt: now.toISOString(),
      },
      connection.version,
      run.owner,
    );
    run.released = true;
    if (job.backfillFrom) log.warn({ spent, backfillFrom: job.backfillFrom }, "PSD2 unattended limit reached today: backfill not run, queue it again tomorrow");
    else log.info({ spent }, "PSD2 unattended limit reached today: rescheduled for tomorrow");
    return [];
  }

  // Consent past its 90 days: the bank would refuse every call; ask the user now.
  if (Date.parse(connection.consentExpiresAt) <= now.getTime()) {
    log.warn("consent expired: the user must reconnect");
    emitSyncFailure(log, "sync.consent_expired");
    const record = await markReconnectRequired(deps, connection, "consent_expired", now, run);
    run.released = true;
    return [record];
  }

  // A Failed async task has nothing to fetch: the failure is recorded on the connection and announced.
  if (job.results?.status === "Failed") {
    log.warn({ taskId: job.results.taskId }, "async request failed at TrueLayer: recorded on the connection");
    emitSyncFailure(log, ASYNC_TASK_FAILED);
    const next = connection.nextSyncAt ? new Date(connection.nextSyncAt) : now;
    const record = await markSyncFailed(deps, connection, { code: ASYNC_TASK_FAILED, retryable: false, nextSyncAt: next }, now, run);
    run.released = true;
    return [record];
  }

  const startedAt = Date.now();
  // What is stored of the user's accounts (sealed fields stay sealed) and their rules, at once.
  // A connection that never completed a sync has no accounts of its own stored (a first run
  // that died mid-write left some: their puts then fail their condition and are re-read). A
  // connection that says its user has no rules (`hasRules: false`, set true by any rule's
  // creation) needs no rules read.
  const firstSync = connection.lastSyncAt === undefined;
  deps.phases?.("stored");
  const [storedAccounts, rules] = await Promise.all([
    firstSync ? Promise.resolve([]) : listAllUserItems(deps.db, bankAccountEntity, job.userId, SK_PREFIX.account),
    connection.hasRules === false ? Promise.resolve([]) : usableRules(deps, job.userId, log),
  ]);
  const mine = new Map<string, StoredBankAccount>();
  for (const a of storedAccounts) if (a.connectionId === connection.connectionId) mine.set(a.accountId, a);
  // A results job stores one account's booked history from a finished async request, nothing else.
  if (job.results) return storeResults(deps, run, { connection, results: job.results, mine, rules, now, log });

  const windowOf = (backfillFrom?: string) =>
    syncWindow({
      now,
      lastSyncAt: connection.lastSyncAt,
      oldestPendingAt: oldestPendingOf(mine.values(), now),
      attended,
      ...(backfillFrom ? { backfillFrom } : {}),
    });
  const full = windowOf(job.backfillFrom);
  // With async history on, a backfill syncs the usual window now and asks for the older part
  // asynchronously: the bank takes minutes over years of history, longer than a lease should last.
  const window = deps.asyncHistory && job.backfillFrom ? windowOf() : full;
  const history = window.from > full.from ? { from: full.from, to: window.from } : undefined;

  // A long history (a catch-up) comes and is written in slices, oldest first; most windows are one.
  const slices = historySlices(window);
  const concurrency = deps.accountConcurrency ?? 4;
  // A provider failure ends the run; batches of a long history committed before it are relayed with it.
  const records: OutboxRecord[] = [];
  const providerFailure = async (err: unknown): Promise<OutboxRecord[]> => {
    if (!(err instanceof TrueLayerError)) throw err;
    // A refresh still in flight stores a new version: the failure is written on top of it.
    if (run.refreshing) connection = await (run.refreshing as Promise<BankConnection>).catch(() => connection);
    const record = await onProviderError(deps, connection, err, now, log, run);
    run.released = true;
    return [...records, record];
  };

  let fetched: FetchedAccount[];
  let unreadable: UnreadableAccount[] = [];
  let listedInFull = true;
  let unsupported: FetchedAccount["kind"][] = [];
  let historyRefused: UnreadableAccount[] = [];
  let ctx: CallContext;
  try {
    // Asked to stop already: no bank call (an unattended one spends one of the day's four).
    run.keeper.guard();
    deps.phases?.("token");
    connection = await refreshTracked(run, withFreshToken(deps, connection, now));
    deps.phases?.("fetch");
    ctx = callContext(deps, run, now, attended ? job.psuIp : undefined, {
      get: () => connection,
      set: (c) => {
        connection = c;
      },
    });
    // The newest slice first: it brings the accounts, their balances and pending lists.
    // An account whose entry or data the bank served malformed is quarantined below and left as stored.
    ({
      accounts: fetched,
      unreadable,
      listedInFull,
      unsupported,
    } = await fetchConnection(deps.truelayer, ctx, slices[slices.length - 1] as Slice, concurrency));
    if (history && deps.asyncHistory) historyRefused = await requestHistory(deps.truelayer, ctx, fetched, history, deps.asyncHistory.webhookUri, log);
  } catch (err) {
    return providerFailure(err);
  }

  // Accounts the bank stopped listing (no 404): closed, their pending holds gone, history kept.
  // Not when an entry without an id was refused: it may be any of them.
  const listed = new Set([...fetched, ...unreadable].map((a) => a.accountId));
  for (const a of mine.values()) {
    if (!listedInFull || unsupported.includes(a.kind) || listed.has(a.accountId) || a.closed) continue;
    fetched.push({
      accountId: a.accountId,
      providerAccountId: a.providerAccountId ?? a.accountId,
      kind: a.kind,
      type: a.type,
      displayName: a.displayName,
      currency: a.currency,
    });
  }

  const quarantine: Quarantined[] = [];
  for (const accountId of new Set(unreadable.map((a) => a.accountId))) {
    const reason = unreadable.find((a) => a.accountId === accountId)?.reason ?? "unreadable";
    quarantine.push({ accountId, reason: boundedText(`account not synced: ${reason}`, 512) });
  }
  for (const r of historyRefused) quarantine.push({ accountId: r.accountId, reason: boundedText(`older history not requested: ${r.reason}`, 512) });
  const counted = countsAsUnattended(job) ? spent + 1 : spent;
  const stats = connection.syncStats ?? { totalSyncs: 0, consecutiveFailures: 0 };
  const at = now.toISOString();
  const finished = (totals: SyncTotals): BankConnection => ({
    ...connection,
    lastSyncAt: at,
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
      lastQuarantined: quarantine.length,
      lastErrorCode: undefined,
    },
    ...(quarantine.length ? { quarantine: withQuarantined(connection, quarantine, at) } : {}),
    recentJobIds: withCompletedJob(connection, job.jobId),
    // What this run learnt of the rules; a rule created meanwhile bumped the version, so this put
    // fails and the job runs again (a copy refreshed since then shows it as true).
    hasRules: connection.hasRules === true || rules.length > 0,
    updatedAt: at,
  });

  const totals: SyncTotals = { added: 0, changed: 0, removed: 0 };
  let finishedInTransaction = false;
  // Accounts this run created: nothing of theirs is stored beyond what this run wrote, so no read.
  const created = new Set<string>();
  const seenQuarantine = new Set<string>();
  let carried = new Map<string, TrueLayerTransaction[]>();
  // The next older slice is fetched while this batch is written: at most two slices are held.
  const open = fetched.filter((a) => a.data);
  const prefetch = (i: number) => {
    if (i >= slices.length - 1) return undefined;
    const booked = fetchBooked(deps.truelayer, ctx, open, slices[i] as Slice, concurrency);
    // Awaited (and its failure handled) when its batch comes; not an unhandled rejection before.
    booked.catch(() => {});
    return booked;
  };
  let next = prefetch(0);
  // Occurrence indexes of booked transactions number on across the batches of a long history:
  // two transactions under one bank id in different slices are two (per account).
  const numbering = slices.length > 1 ? new Map<string, OccurrenceMemory>() : undefined;
  for (let i = 0; i < slices.length; i++) {
    const last = i === slices.length - 1;
    const bounds = batchBounds(slices, i);
    let older: Map<string, TransactionList> | undefined;
    if (!last) {
      try {
        older = await next;
      } catch (err) {
        return providerFailure(err);
      }
      next = prefetch(i + 1);
    }
    deps.phases?.("map");
    const batch = batchAccounts(fetched, older, carried, slices, i);
    const batchQuarantine: Quarantined[] = [];
    const origins = new WeakMap<Transaction, TrueLayerTransaction>();
    let byAccount = mapTransactions(job, connection, batch, rules, now, batchQuarantine, numbering, origins);
    if (slices.length === 1) quarantine.push(...batchQuarantine);
    else {
      // A transaction near a boundary is mapped by two batches: record its quarantine once.
      for (const q of batchQuarantine) {
        const key = JSON.stringify([q.accountId, q.providerTransactionId ?? null, q.reason]);
        if (!seenQuarantine.has(key)) quarantine.push(q);
        seenQuarantine.add(key);
      }
      byAccount = withinBounds(byAccount, bounds);
      carried = last ? new Map() : keptForNext(batch, bounds);
    }
    // The bank's parsed lists are mapped now: let them go before the writes.
    for (const a of last ? [...batch, ...fetched] : batch) {
      if (!a.data) continue;
      a.data.booked = [];
      // Left absent when it was not read (the provider serves none): the stored pending ones stay.
      if (a.data.pending) a.data.pending = [];
    }

    // One read of stored transactions for the batch, none when every account is new.
    deps.phases?.("read");
    const range = { from: i === 0 ? window.from : new Date(bounds.writeFrom).toISOString(), to: last ? window.to : new Date(bounds.writeTo).toISOString() };
    const known = batch.map((a) => ({ accountId: a.accountId, stored: created.has(a.accountId) ? undefined : mine.get(a.accountId) }));
    const plan = planReads({ accounts: known, window: range, now, interim: !last });
    const readable = new Set([...mine.keys()].filter((id) => !created.has(id)));
    const storedByAccount = plan.read ? await readStored(deps, job.userId, readable, plan) : new Map<string, Transaction[]>();

    // Every account in as few transactions as the action limit allows; the last one also records
    // the run and releases the lease.
    const done = { ...totals };
    const result = await syncAccounts(deps, {
      userId: job.userId,
      connectionId: connection.connectionId,
      syncId: job.jobId,
      correlationId: run.correlationId,
      accounts: batch.map((account) => ({
        fetched: account,
        transactions: byAccount.get(account.accountId) ?? [],
        stored: storedByAccount.get(account.accountId) ?? [],
        account: mine.get(account.accountId),
        pendingComplete: last && account.data?.pending !== undefined && !account.data.rejected.some((r) => r.status === "pending"),
        interim: !last,
      })),
      bookedFrom: window.from,
      now,
      guard: run.keeper.guard,
      // Soft-deleted ones too: a vanished pending the bank serves again is restored, not re-added.
      reread: (ids) => deps.repos.transactions.getMany(job.userId, ids, { includeDeleted: true }),
      origins,
      readRange: range,
      ...(last
        ? {
            finish: async (t: SyncTotals) => ({
              action: await deps.repos.connections.finishLeasedAction(finished(sumTotals(done, t)), connection.version, run.owner),
              expectedVersion: connection.version,
            }),
          }
        : {}),
    });
    Object.assign(totals, sumTotals(totals, result));
    records.push(...result.records);
    for (const [id, item] of result.accounts) {
      if (!mine.has(id)) created.add(id);
      mine.set(id, item);
    }
    if (last) finishedInTransaction = result.finished;
  }

  deps.phases?.("finish");
  if (quarantine.length) emitMetric(log, METRICS.quarantined, quarantine.length, { connectionId: connection.connectionId });
  if (!finishedInTransaction) {
    run.keeper.guard();
    await deps.repos.connections.finishLeased(finished(totals), connection.version, run.owner);
  }
  run.released = true;
  log.info({ ...totals, quarantined: quarantine.length, accounts: fetched.length, window, batches: slices.length }, "connection synced");
  emitSyncMetrics(log, { durationMs: Date.now() - startedAt, ...totals });
  return records;
}

function sumTotals(a: SyncTotals, b: SyncTotals): SyncTotals {
  return { added: a.added + b.added, changed: a.changed + b.changed, removed: a.removed + b.removed };
}

/**
 * The accounts as batch `i` sees them: the newest slice's data for the last batch (pending lists
 * and closed accounts only there), else booked transactions of slice `i`, each after what the
 * previous batch carried over. The bank filters by day, so a slice keeps only its own times.
 */
function batchAccounts(
  fetched: readonly FetchedAccount[],
  older: ReadonlyMap<string, TransactionList> | undefined,
  carried: ReadonlyMap<string, TrueLayerTransaction[]>,
  slices: readonly Slice[],
  i: number,
): FetchedAccount[] {
  const last = i === slices.length - 1;
  if (slices.length === 1) return [...fetched];
  const from = i === 0 ? Number.NEGATIVE_INFINITY : Date.parse((slices[i] as Slice).from);
  const to = last ? Number.POSITIVE_INFINITY : Date.parse((slices[i] as Slice).to);
  const out: FetchedAccount[] = [];
  for (const a of fetched) {
    if (!a.data) {
      if (last) out.push(a);
      continue;
    }
    const list = last ? a.data.booked : (older?.get(a.accountId)?.transactions ?? []);
    const own = list.filter((t) => {
      const ms = timeOf(t.timestamp_utc, from);
      return ms >= from && ms < to;
    });
    const rejected = last ? a.data.rejected : (older?.get(a.accountId)?.rejected ?? []).map((r) => ({ ...r, status: "booked" as const }));
    out.push({ ...a, data: { ...a.data, booked: [...(carried.get(a.accountId) ?? []), ...own], pending: last ? a.data.pending : [], rejected } });
  }
  return out;
}

/** Of a batch's mapped transactions, the ones it writes (the rest were context or are held back). */
function withinBounds(byAccount: Map<string, Transaction[]>, bounds: BatchBounds): Map<string, Transaction[]> {
  const out = new Map<string, Transaction[]>();
  for (const [id, list] of byAccount) {
    out.set(
      id,
      list.filter((t) => {
        // Pending ones come with the newest batch only, whatever their date: they are all its own
        // (one dated before its bounds was dropped, then removed as vanished by the same batch).
        if (t.status === "pending") return true;
        const ms = timeOf(t.timestamp, bounds.writeFrom);
        return ms >= bounds.writeFrom && ms < bounds.writeTo;
      }),
    );
  }
  return out;
}

/** What the next batch needs of this one's booked transactions: its context and what this one held back. */
function keptForNext(batch: readonly FetchedAccount[], bounds: BatchBounds): Map<string, TrueLayerTransaction[]> {
  const out = new Map<string, TrueLayerTransaction[]>();
  for (const a of batch) {
    if (a.data)
      out.set(
        a.accountId,
        a.data.booked.filter((t) => timeOf(t.timestamp_utc, bounds.writeFrom) >= bounds.keepFrom),
      );
  }
  return out;
}

/**
 * The context of a run's TrueLayer calls on the connection `state` holds (its access token fresh
 * already). A 401 mid-run refreshes once, shared so parallel calls do not rotate the token twice;
 * the refreshed connection is handed back through `state.set`, and later calls use its token.
 */
function callContext(
  deps: SyncDeps,
  run: Run,
  now: Date,
  psuIp: string | undefined,
  state: { get: () => BankConnection; set: (c: BankConnection) => void },
): CallContext {
  let forced: Promise<BankConnection> | undefined;
  const start = state.get();
  const ctx: CallContext = {
    accessToken: start.accessToken,
    connectionId: start.connectionId,
    providerId: start.providerId,
    // X-Client-Correlation-Id and the client's log lines: the same id as the rest of the job's trail.
    correlationId: run.correlationId,
    ...(psuIp ? { psuIp } : {}),
    // A lost lease or the runtime's stop cuts off a bank call in flight and its retries' waits
    // (a slow bank would otherwise hold the run past a Lambda's deadline); token calls ignore it.
    signal: deps.signal ? AbortSignal.any([run.keeper.signal, deps.signal]) : run.keeper.signal,
    refreshAccessToken: () => {
      forced ??= refreshTracked(run, withFreshToken(deps, state.get(), now, true));
      return forced.then((c) => {
        state.set(c);
        // Later slices of a long history start with the new token.
        ctx.accessToken = c.accessToken;
        return c.accessToken;
      });
    },
  };
  return ctx;
}

/** The code a Failed async task is recorded with (syncStats.lastErrorCode, ConnectionSyncFailed). */
export const ASYNC_TASK_FAILED = "sync.async_task_failed";

/**
 * Asks the bank for each open account's older booked history asynchronously; each answer comes
 * back as a results job. An account whose request the bank refuses for good (closed since it was
 * listed, a card without async support) is returned with the reason, so the connection's window
 * still syncs; any other failure ends the run as a fetch failure does.
 */
async function requestHistory(
  client: SyncDeps["truelayer"],
  ctx: CallContext,
  fetched: readonly FetchedAccount[],
  range: { from: string; to: string },
  webhookUri: string,
  log: Logger,
): Promise<UnreadableAccount[]> {
  const refused: UnreadableAccount[] = [];
  const tasks = await Promise.all(
    fetched
      .filter((a) => a.data)
      .map(async (a) => {
        try {
          return await client.requestTransactionsAsync(ctx, { kind: a.kind, accountId: a.providerAccountId, range }, webhookUri);
        } catch (err) {
          if (!(err instanceof TrueLayerError && err.kind === "permanent")) throw err;
          refused.push({ accountId: a.accountId, reason: `${err.code}: ${err.message}` });
          return undefined;
        }
      }),
  );
  log.info({ tasks: tasks.flatMap((t) => (t ? [t.taskId] : [])), refused: refused.length, history: range }, "older history requested asynchronously");
  return refused;
}

/**
 * A results job (ADR 0046): the booked transactions a finished async request produced, for the
 * one account and range it asked for, fetched from our TrueLayer host and written by the sync's
 * write code. No balance or pending list was read, so those stay as stored (an interim write),
 * and so do the connection's sync clock, PSD2 count and stats: only the job is recorded.
 */
async function storeResults(
  deps: SyncDeps,
  run: Run,
  input: {
    connection: BankConnection;
    results: AsyncResultsRef;
    mine: Map<string, StoredBankAccount>;
    rules: Awaited<ReturnType<typeof usableRules>>;
    now: Date;
    log: Logger;
  },
): Promise<OutboxRecord[]> {
  const { results, mine, rules, now, log } = input;
  let connection = input.connection;
  const request = resultsRequest(results);
  let account: FetchedAccount;
  try {
    connection = await refreshTracked(run, withFreshToken(deps, connection, now));
    const ctx = callContext(deps, run, now, undefined, {
      get: () => connection,
      set: (c) => {
        connection = c;
      },
    });
    account = await fetchResults(deps.truelayer, ctx, results, request, mine);
  } catch (err) {
    // Never fetched: the connection's token goes to our TrueLayer host only. Nothing to retry.
    if (err instanceof ForeignResultsUriError) throw new ForeignResultsHostError(results.taskId, { cause: err });
    if (!(err instanceof TrueLayerError)) throw err;
    if (run.refreshing) connection = await (run.refreshing as Promise<BankConnection>).catch(() => connection);
    const record = await onProviderError(deps, connection, err, now, log, run);
    run.released = true;
    return [record];
  }

  const quarantine: Quarantined[] = [];
  const origins = new WeakMap<Transaction, TrueLayerTransaction>();
  const byAccount = mapTransactions(run.job, connection, [account], rules, now, quarantine, undefined, origins);
  const plan = planReads({ accounts: [{ accountId: account.accountId, stored: mine.get(account.accountId) }], window: request.window, now, interim: true });
  const storedByAccount = plan.read ? await readStored(deps, run.job.userId, new Set([account.accountId]), plan) : new Map<string, Transaction[]>();
  const at = now.toISOString();
  const finished: BankConnection = {
    ...connection,
    ...(quarantine.length ? { quarantine: withQuarantined(connection, quarantine, at) } : {}),
    recentJobIds: withCompletedJob(connection, run.jobId),
    hasRules: connection.hasRules === true || rules.length > 0,
    updatedAt: at,
  };
  const result = await syncAccounts(deps, {
    userId: run.job.userId,
    connectionId: connection.connectionId,
    syncId: run.jobId,
    correlationId: run.correlationId,
    accounts: [
      {
        fetched: account,
        transactions: byAccount.get(account.accountId) ?? [],
        stored: storedByAccount.get(account.accountId) ?? [],
        account: mine.get(account.accountId),
        pendingComplete: false,
        interim: true,
      },
    ],
    bookedFrom: request.window.from,
    now,
    guard: run.keeper.guard,
    reread: (ids) => deps.repos.transactions.getMany(run.job.userId, ids, { includeDeleted: true }),
    origins,
    readRange: request.window,
    finish: async () => ({
      action: await deps.repos.connections.finishLeasedAction(finished, connection.version, run.owner),
      expectedVersion: connection.version,
    }),
  });
  if (!result.finished) {
    run.keeper.guard();
    await deps.repos.connections.finishLeased(finished, connection.version, run.owner);
  }
  run.released = true;
  if (quarantine.length) emitMetric(log, METRICS.quarantined, quarantine.length, { connectionId: connection.connectionId });
  log.info(
    { added: result.added, changed: result.changed, taskId: results.taskId, accountId: account.accountId, window: request.window },
    "async results stored",
  );
  return result.records;
}

/**
 * The user's rules the categoriser can use. One this release's schema refuses (a category since
 * renamed, a field a newer app writes) is logged by key and left out: it would otherwise fail every
 * sync of the user's connections for good, where categorising without it costs one rule.
 */
async function usableRules(deps: SyncDeps, userId: string, log: Logger) {
  const { rules, invalid } = await deps.repos.rules.listUsableByUser(userId);
  for (const bad of invalid) log.warn({ key: bad.key, err: bad.error }, "rule fails its schema: categorised without it");
  return rules;
}

function refreshTracked<T>(run: Run, refresh: Promise<T>): Promise<T> {
  run.refreshing = refresh;
  return refresh;
}

/** The oldest stored pending timestamp of the connection's accounts, for the window (legacy items: 30 days). */
function oldestPendingOf(accounts: Iterable<StoredBankAccount>, now: Date): string | undefined {
  let oldest = Number.POSITIVE_INFINITY;
  for (const a of accounts) {
    const s = a.transactionSummary;
    if (s.pendingTransactions === 0 || s.oldestPendingAt === null) continue;
    oldest = Math.min(oldest, s.oldestPendingAt ? Date.parse(s.oldestPendingAt) : now.getTime() - 30 * 86_400_000);
  }
  return Number.isFinite(oldest) ? new Date(oldest).toISOString() : undefined;
}

/**
 * Categorises every fetched transaction of the connection in one batch (so transfers between
 * its accounts pair up) and maps each to the item we store. A transaction the bank's schema
 * refused (`rejected`, one by one at the boundary) is quarantined with its reason and the others
 * go on; what passed maps to a valid item by construction (ADR 0064).
 */
function mapTransactions(
  job: SyncJob,
  connection: BankConnection,
  fetched: readonly FetchedAccount[],
  rules: Awaited<ReturnType<typeof usableRules>>,
  now: Date,
  quarantine: Quarantined[],
  /** A long history's numbering so far, by account (booked lists only; see `occurrencesOf`). */
  numbering?: Map<string, OccurrenceMemory>,
  /** Filled with the bank's transaction each stored one is mapped from (for `distinguish`). */
  origins?: WeakMap<Transaction, TrueLayerTransaction>,
): Map<string, Transaction[]> {
  const categoriser = createCategoriser({ userId: job.userId, rules, ownAccounts: fetched.map((a) => a.accountId) });
  const raw: { tl: TrueLayerTransaction; accountId: string; status: "booked" | "pending"; occurrence: number }[] = [];
  for (const a of fetched) {
    for (const r of a.data?.rejected ?? []) {
      const providerTransactionId = storableId(r.providerId);
      quarantine.push({ accountId: a.accountId, ...(providerTransactionId ? { providerTransactionId } : {}), reason: r.reason.slice(0, 512) });
    }
    for (const status of ["booked", "pending"] as const) {
      const list = a.data?.[status] ?? [];
      let memory: OccurrenceMemory | undefined;
      if (numbering && status === "booked") {
        memory = numbering.get(a.accountId) ?? occurrenceMemory();
        numbering.set(a.accountId, memory);
      }
      const occurrences = occurrencesOf(list, memory);
      list.forEach((tl, i) => {
        raw.push({ tl, accountId: a.accountId, status, occurrence: occurrences[i] ?? 0 });
      });
    }
  }
  const categorisations = categoriser.categoriseBatch(raw.map(({ tl, accountId }) => categorisableOf(tl, accountId)));
  const byAccount = new Map<string, Transaction[]>();
  const iso = now.toISOString();
  raw.forEach(({ tl, accountId, status, occurrence }, i) => {
    const categorisation = categorisations[i] as (typeof categorisations)[number];
    // Valid by construction (ADR 0064): the bank's transaction passed its schema at the boundary.
    const stored = toStoredTransaction(
      tl,
      categorisation,
      { userId: job.userId, connectionId: connection.connectionId, accountId, status, now: iso },
      occurrence,
    );
    origins?.set(stored, tl);
    const list = byAccount.get(accountId);
    if (list) list.push(stored);
    else byAccount.set(accountId, [stored]);
  });
  return byAccount;
}

/** The connection's stored transactions in the planned range (GSI2, paged), by account. */
async function readStored(
  deps: SyncDeps,
  userId: string,
  accountIds: ReadonlySet<string>,
  range: { from: string; to: string },
): Promise<Map<string, Transaction[]>> {
  const out = new Map<string, Transaction[]>();
  let cursor: string | undefined;
  do {
    const page = await deps.repos.transactions.listByDateRange(userId, range, { cursor, limit: 1000, order: "asc" });
    for (const t of page.items) {
      if (!accountIds.has(t.accountId)) continue;
      const list = out.get(t.accountId);
      if (list) list.push(t);
      else out.set(t.accountId, [t]);
    }
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** What a TrueLayer failure means for this job, by the error's kind (decided in the client). */
async function onProviderError(deps: SyncDeps, connection: BankConnection, err: TrueLayerError, now: Date, log: Logger, run: Run): Promise<OutboxRecord> {
  // A retryable error is counted by the runtime (HandlerErrors) when the job is retried.
  if (err.kind !== "retryable") emitSyncFailure(log, err.code);
  switch (err.kind) {
    case "retryable":
      throw new ProviderRetriesExhaustedError(connection.connectionId, err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000), {
        cause: err,
      });
    case "needs_reconnect": {
      if (err instanceof InvalidGrantError) {
        // Another run may have rotated the pair and stored it after we read ours: use theirs.
        const latest = await deps.repos.connections.get(connection.userId, connection.connectionId);
        if (latest && latest.refreshToken !== connection.refreshToken) throw new TokenRotatedElsewhereError(connection.connectionId, { cause: err });
        emitMetric(log, METRICS.refreshLost, 1, { connectionId: connection.connectionId });
      }
      const reason = reconnectReason(err, connection, now);
      log.warn({ code: err.code, reason }, "connection needs the user to reconnect");
      return markReconnectRequired(deps, connection, reason, now, run);
    }
    case "provider_limit": {
      // The bank's own daily budget is spent: try again tomorrow.
      log.warn({ code: err.code }, "bank's unattended limit reached: rescheduled for tomorrow");
      const next = nextSyncAt({ now, unattendedToday: PSD2_UNATTENDED_PER_DAY, random: deps.random });
      return markSyncFailed(deps, connection, { code: err.code, retryable: true, nextSyncAt: next }, now, run);
    }
    default: {
      log.error({ err, code: err.code }, "sync failed permanently");
      const next = nextSyncAt({ now, unattendedToday: unattendedToday(connection, now), random: deps.random });
      return markSyncFailed(deps, connection, { code: err.code, retryable: false, nextSyncAt: next }, now, run);
    }
  }
}
