import { createOutboxDeleteBatcher, defineQueueService } from "@expenzez/runtime";
import { createTrueLayerClient } from "@expenzez/truelayer";
import { z } from "zod";
import type { SyncDeps } from "./deps";
import { handleSyncJob } from "./handler";

/**
 * The relay's deletes wait this long at most to fill a BatchWriteItem of 25 (ADR 0068): a job
 * writes 3-4 outbox records, so a batch takes about 7 jobs' worth, and at 2 s most batches
 * went out part-full. The sweep leaves records alone for a minute, so a job's records are
 * deleted before it could see them when the job took under 45 s.
 */
export const OUTBOX_DELETE_WAIT_SECONDS = 15;

/** The worker's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const syncWorkerEnv = z.object({
  TRUELAYER_AUTH_URL: z.url(),
  TRUELAYER_DATA_URL: z.url(),
  TRUELAYER_CLIENT_ID: z.string().min(1),
  TRUELAYER_CLIENT_SECRET: z.string().min(1),
  /** Messages handled at once by one worker process. */
  SYNC_CONCURRENCY: z.coerce.number().int().positive().default(5),
  /**
   * The connection lease (default: 80 % of the queue's visibility timeout). The fault suite
   * shortens it so a connection whose worker it killed is free again in seconds; the lease is
   * renewed every third of its term, so a long sync keeps it either way.
   */
  SYNC_LEASE_SECONDS: z.coerce.number().int().min(6).optional(),
  /**
   * The webhook's async-results base URL (`https://…/truelayer/results`) and its secret (the
   * webhook's TRUELAYER_RESULTS_SECRET). Both set: a backfill asks for its older history
   * asynchronously (docs/scheduler-and-webhook.md). Neither: every window is read at once.
   */
  TRUELAYER_RESULTS_URL: z.url().optional(),
  TRUELAYER_RESULTS_SECRET: z.string().min(16).optional(),
  /**
   * How long the relay's deletes of published outbox records wait to fill a batch of 25 (ADR
   * 0068). At most half the outbox sweep's default minimum age (`OUTBOX_SWEEP_MIN_AGE_SECONDS`,
   * 60 s): longer, and the sweep would publish the waiting records again.
   */
  SYNC_OUTBOX_DELETE_SECONDS: z.coerce.number().positive().max(30).default(OUTBOX_DELETE_WAIT_SECONDS),
});

/** The sync worker as a queue service: the sync-jobs queue in, synced connections and events out. */
export const syncWorker = defineQueueService({
  name: "sync-worker",
  env: syncWorkerEnv,
  concurrency: (config) => config.SYNC_CONCURRENCY,
  deps: (kit): SyncDeps => ({
    db: kit.db,
    repos: kit.repos,
    truelayer: createTrueLayerClient({
      authBaseUrl: kit.config.TRUELAYER_AUTH_URL,
      dataBaseUrl: kit.config.TRUELAYER_DATA_URL,
      clientId: kit.config.TRUELAYER_CLIENT_ID,
      clientSecret: kit.config.TRUELAYER_CLIENT_SECRET,
      logger: kit.log,
    }),
    relay: kit.relay,
    // Gathered across jobs: a process that dies with some queued leaves them to the sweep.
    outboxDeletes: createOutboxDeleteBatcher(kit.relay, { maxDelayMs: kit.config.SYNC_OUTBOX_DELETE_SECONDS * 1000 }),
    log: kit.log,
    workerId: kit.processId,
    // Shorter than the queue's visibility timeout, so a dead worker's lease ends before redelivery.
    leaseSeconds: kit.config.SYNC_LEASE_SECONDS ?? Math.floor(kit.def.queues.syncJobs.visibilityTimeoutSeconds * 0.8),
    ...asyncHistoryOf(kit.config),
  }),
  handle: (message, deps, context) => handleSyncJob(message, { ...deps, log: context.log, signal: context.signal }),
  // A stopping worker deletes what it relayed instead of waiting out the batch's bound.
  drain: async (deps) => deps.outboxDeletes?.flush(),
});

/** The async-history option from the two variables: both or neither. */
export function asyncHistoryOf(config: { TRUELAYER_RESULTS_URL?: string; TRUELAYER_RESULTS_SECRET?: string }): Pick<SyncDeps, "asyncHistory"> {
  const { TRUELAYER_RESULTS_URL: url, TRUELAYER_RESULTS_SECRET: secret } = config;
  if (!url && !secret) return {};
  if (!url || !secret) throw new Error("TRUELAYER_RESULTS_URL and TRUELAYER_RESULTS_SECRET go together: set both or neither");
  return { asyncHistory: { webhookUri: `${url.replace(/\/$/, "")}/${encodeURIComponent(secret)}` } };
}
