import { createOutboxDeleteBatcher, defineQueueService } from "@expenzez/runtime";
import { createTrueLayerClient } from "@expenzez/truelayer";
import { z } from "zod";
import type { SyncDeps } from "./deps";
import { handleSyncJob } from "./handler";

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
    outboxDeletes: createOutboxDeleteBatcher(kit.relay),
    log: kit.log,
    workerId: kit.processId,
    // Shorter than the queue's visibility timeout, so a dead worker's lease ends before redelivery.
    leaseSeconds: kit.config.SYNC_LEASE_SECONDS ?? Math.floor(kit.def.queues.syncJobs.visibilityTimeoutSeconds * 0.8),
    ...asyncHistoryOf(kit.config),
  }),
  handle: (message, deps, context) => handleSyncJob(message, { ...deps, log: context.log }),
});

/** The async-history option from the two variables: both or neither. */
export function asyncHistoryOf(config: { TRUELAYER_RESULTS_URL?: string; TRUELAYER_RESULTS_SECRET?: string }): Pick<SyncDeps, "asyncHistory"> {
  const { TRUELAYER_RESULTS_URL: url, TRUELAYER_RESULTS_SECRET: secret } = config;
  if (!url && !secret) return {};
  if (!url || !secret) throw new Error("TRUELAYER_RESULTS_URL and TRUELAYER_RESULTS_SECRET go together: set both or neither");
  return { asyncHistory: { webhookUri: `${url.replace(/\/$/, "")}/${encodeURIComponent(secret)}` } };
}
