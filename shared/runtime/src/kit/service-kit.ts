import { hostname } from "node:os";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { type BaseConfig, loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories } from "@expenzez/db";
import { createLogger, type Logger } from "@expenzez/logger";
import { type QueueId, type ServiceDefinition, type StackDefinition, serviceDefinition, stackDefinition } from "@expenzez/resources";
import type { z } from "zod";
import type { RelayDeps } from "../outbox";
import { resolveSecretVariables } from "./secrets";

/** What every service gets from the platform, built once per process from the environment. */
export interface ServiceKit<C = Record<never, never>> {
  name: string;
  definition: ServiceDefinition;
  config: BaseConfig & C;
  def: StackDefinition;
  aws: AwsClients;
  log: Logger;
  db: Db;
  repos: Repositories;
  /** Publishes outbox records after a commit (`commitWithEvents` uses it). */
  relay: RelayDeps;
  /** A queue's URL and its DLQ's URL, looked up once and cached. */
  queueUrls(id: QueueId): Promise<{ queueUrl: string; dlqUrl: string }>;
  /** Names this process in leases and locks. */
  processId: string;
}

export type Env = Record<string, string | undefined>;

/**
 * Config (base + the service's own schema, secrets resolved), SDK clients, logger,
 * repositories and the outbox relay for one named service of the SERVICES catalogue.
 */
export async function createServiceKit<S extends z.ZodRawShape>(
  name: string,
  envSchema?: z.ZodObject<S>,
  env: Env = process.env,
): Promise<ServiceKit<z.infer<z.ZodObject<S>>>> {
  const definition = serviceDefinition(name);
  const resolved = await resolveSecretVariables(env, definition);
  const config = loadConfig(resolved, envSchema);
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger(name, { level: config.LOG_LEVEL });
  const db: Db = { doc: aws.doc, tableName: def.table.name };
  const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias }));
  const urls = new Map<QueueId, Promise<{ queueUrl: string; dlqUrl: string }>>();
  const urlOf = async (QueueName: string) => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  return {
    name,
    definition,
    config,
    def,
    aws,
    log,
    db,
    repos,
    relay: { db, events: aws.events, busName: def.bus.name, log },
    processId: `${hostname()}:${process.pid}`,
    queueUrls(id) {
      let found = urls.get(id);
      if (!found) {
        const q = def.queues[id];
        found = Promise.all([urlOf(q.name), urlOf(q.dlqName)]).then(([queueUrl, dlqUrl]) => ({ queueUrl, dlqUrl }));
        urls.set(id, found);
      }
      return found;
    },
  };
}
