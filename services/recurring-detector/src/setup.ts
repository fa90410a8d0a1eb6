import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { z } from "zod";
import type { RecurringDeps } from "./deps";

// TODO(platform): becomes a defineQueueService / defineScheduledTask declaration once the service kit lands.

/** recurring-detector's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const recurringDetectorEnv = z.object({
  /** Messages handled at once by one worker process. */
  RECURRING_CONCURRENCY: z.coerce.number().int().positive().default(5),
});

/** Config, clients and deps for the worker, the Lambda and the CLI, from the environment (parsed once). */
export async function createRecurringRuntime(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env, recurringDetectorEnv);
  const def = stackDefinition(config.STAGE);
  const aws: AwsClients = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("recurring-detector", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queue = def.queues.recurring;
  const urlOf = async (QueueName: string): Promise<string> => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  const deps: RecurringDeps = {
    db,
    // Streams hold no sealed fields; the encryptor is only there because the repositories take one.
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    relay: { db, events: aws.events, busName: def.bus.name, log },
    log,
  };
  return { config, aws, deps, log, queue, urlOf };
}
