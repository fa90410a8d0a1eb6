import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { type BaseConfig, loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, type Db, type Repositories } from "@expenzez/db";
import { createLogger, type Logger } from "@expenzez/logger";
import { type QueueDefinition, type QueueId, type StackDefinition, stackDefinition } from "@expenzez/resources";
import type { RelayDeps } from "@expenzez/runtime";
import { usageError } from "./errors";

/** What every command works with: the same configuration and clients as the services. */
export interface OpsContext {
  config: BaseConfig;
  def: StackDefinition;
  aws: AwsClients;
  db: Db;
  /** Repositories sealing and opening like the services' (same KMS key). */
  repos: Repositories;
  log: Logger;
  relay: RelayDeps;
  queueUrls(id: QueueId): Promise<{ queueUrl: string; dlqUrl: string }>;
}

/**
 * Builds the context from the environment the services read (STAGE, AWS_REGION,
 * AWS_ENDPOINT_URL, LOG_LEVEL), so the CLI talks to whatever stack they talk to.
 * Logs go to stderr (quiet by default) so `--json` output on stdout stays parseable.
 */
export function createOpsContext(env: Record<string, string | undefined> = process.env): OpsContext {
  const config = loadConfig({ LOG_LEVEL: "warn", ...env });
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("ops-cli", { level: config.LOG_LEVEL, destination: process.stderr });
  const db: Db = { doc: aws.doc, tableName: def.table.name };
  const urls = new Map<QueueId, Promise<{ queueUrl: string; dlqUrl: string }>>();
  const urlOf = async (QueueName: string) => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  return {
    config,
    def,
    aws,
    db,
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    log,
    relay: { db, events: aws.events, busName: def.bus.name, log },
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

/** A queue named by its id (`syncJobs`), its name or its DLQ's name; refuses anything else, listing the choices. */
export function resolveQueue(def: StackDefinition, name: string): QueueDefinition {
  const found = Object.values(def.queues).find((q) => q.id === name || q.name === name || q.dlqName === name);
  if (!found) throw usageError(`unknown queue "${name}"; one of: ${Object.keys(def.queues).join(", ")}`);
  return found;
}
