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

/** The platform's clients for one process: what services and operator tools both work with. */
export interface Platform<C = Record<never, never>> {
  name: string;
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

/** What every service gets from the platform, built once per process from the environment. */
export interface ServiceKit<C = Record<never, never>> extends Platform<C> {
  definition: ServiceDefinition;
}

export type Env = Record<string, string | undefined>;

/** How a kit is built beyond its environment: tests read the log lines a service writes. */
export interface KitOptions {
  /** Where the service's log lines go instead of stdout. */
  logDestination?: { write(line: string): void };
}

/**
 * SDK clients, logger, repositories (with envelope encryption), the outbox relay and queue
 * URLs for a parsed configuration. The ops CLI builds its context with this too, so it talks to
 * whatever stack the services talk to, the same way.
 */
export function createPlatform<C>(name: string, config: BaseConfig & C, options: { logDestination?: { write(line: string): void } } = {}): Platform<C> {
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger(name, { level: config.LOG_LEVEL, ...(options.logDestination ? { destination: options.logDestination } : {}) });
  const db: Db = { doc: aws.doc, tableName: def.table.name };
  const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias }));
  const urls = new Map<QueueId, Promise<{ queueUrl: string; dlqUrl: string }>>();
  const urlOf = async (QueueName: string) => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  return {
    name,
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

/**
 * Config (base + the service's own schema, secrets resolved) and the platform's clients for one
 * named service of the SERVICES catalogue.
 */
export async function createServiceKit<S extends z.ZodRawShape>(
  name: string,
  envSchema?: z.ZodObject<S>,
  env: Env = process.env,
  options: KitOptions = {},
): Promise<ServiceKit<z.infer<z.ZodObject<S>>>> {
  const definition = serviceDefinition(name);
  const resolved = await resolveSecretVariables(env, definition);
  const config = loadConfig(resolved, envSchema);
  return { ...createPlatform(name, config, options), definition };
}
