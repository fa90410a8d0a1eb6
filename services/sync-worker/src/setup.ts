import { hostname } from "node:os";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { createTrueLayerClient } from "@expenzez/truelayer";
import { z } from "zod";
import type { SyncDeps } from "./deps";

/** The worker's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const syncWorkerEnv = z.object({
  TRUELAYER_AUTH_URL: z.url(),
  TRUELAYER_DATA_URL: z.url(),
  TRUELAYER_CLIENT_ID: z.string().min(1),
  TRUELAYER_CLIENT_SECRET: z.string().min(1),
  /** Messages handled at once by one worker process. */
  SYNC_CONCURRENCY: z.coerce.number().int().positive().default(5),
});

/** Config, clients and handler deps for both runtimes, from the environment (parsed once). */
export async function createSyncRuntime(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env, syncWorkerEnv);
  const def = stackDefinition(config.STAGE);
  const aws: AwsClients = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("sync-worker", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queue = def.queues.syncJobs;
  const urlOf = async (QueueName: string): Promise<string> => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  const [queueUrl, dlqUrl] = [await urlOf(queue.name), await urlOf(queue.dlqName)];
  const deps: SyncDeps = {
    db,
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    truelayer: createTrueLayerClient({
      authBaseUrl: config.TRUELAYER_AUTH_URL,
      dataBaseUrl: config.TRUELAYER_DATA_URL,
      clientId: config.TRUELAYER_CLIENT_ID,
      clientSecret: config.TRUELAYER_CLIENT_SECRET,
      logger: log,
    }),
    relay: { db, events: aws.events, busName: def.bus.name, log },
    log,
    workerId: `${hostname()}:${process.pid}`,
    // Shorter than the queue's visibility timeout, so a dead worker's lease ends before redelivery.
    leaseSeconds: Math.floor(queue.visibilityTimeoutSeconds * 0.8),
  };
  return { config, aws, deps, log, queueUrl, dlqUrl, visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds };
}
