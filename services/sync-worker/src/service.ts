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
  }),
  handle: (message, deps, context) => handleSyncJob(message, { ...deps, log: context.log }),
});
