import { existsSync, readFileSync } from "node:fs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients } from "@expenzez/aws";
import { ConfigError, loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { z } from "zod";
import { DEFAULT_MAX_PER_HOUR, type DispatchDeps } from "./deps";
import { createSesEmailSender } from "./email";
import { createFcmClient, type ServiceAccount, serviceAccountSchema } from "./fcm";

// TODO(platform): becomes a defineQueueService + defineScheduledTask declaration once the service kit lands.

/** alert-dispatch's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const alertDispatchEnv = z.object({
  /** Verified SES sender; unset: no email is sent. */
  ALERTS_FROM_EMAIL: z.email().optional(),
  /** The FCM service-account key: a Secrets Manager secret id or ARN (AWS), a file (local), or the JSON itself (tests). Unset: no push. */
  FCM_SERVICE_ACCOUNT_SECRET: z.string().min(1).optional(),
  FCM_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  FCM_SERVICE_ACCOUNT_JSON: z.string().min(1).optional(),
  /** `https://fcm.googleapis.com` unless a stand-in is named. */
  FCM_BASE_URL: z.url().default("https://fcm.googleapis.com"),
  /** Overrides the key's `token_uri` (the stand-in issues keys that name their own). */
  FCM_TOKEN_URL: z.url().optional(),
  ALERTS_CONCURRENCY: z.coerce.number().int().positive().default(5),
  ALERTS_MAX_PER_HOUR: z.coerce.number().int().positive().default(DEFAULT_MAX_PER_HOUR),
  /** How often the worker process runs the deferred pass itself (0: never; a scheduled task does). */
  ALERTS_DEFERRED_EVERY_SECONDS: z.coerce.number().int().nonnegative().default(60),
});
export type AlertDispatchConfig = ReturnType<typeof loadConfig<typeof alertDispatchEnv.shape>>;

/** A key file that a process started alongside (the local FCM stand-in) may still be writing: wait up to 15 s for it. */
async function readWhenThere(path: string, waitMs = 15_000): Promise<string> {
  const until = Date.now() + waitMs;
  for (;;) {
    if (existsSync(path) || Date.now() > until) return readFileSync(path, "utf8");
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The service-account key from wherever the environment says; never logged. */
export async function loadServiceAccount(config: AlertDispatchConfig, aws: AwsClients): Promise<ServiceAccount | undefined> {
  let text: string | undefined;
  if (config.FCM_SERVICE_ACCOUNT_JSON) text = config.FCM_SERVICE_ACCOUNT_JSON;
  else if (config.FCM_SERVICE_ACCOUNT_FILE) text = await readWhenThere(config.FCM_SERVICE_ACCOUNT_FILE);
  else if (config.FCM_SERVICE_ACCOUNT_SECRET) {
    const sm = new SecretsManagerClient({ region: aws.target.region, ...(aws.target.endpoint ? { endpoint: aws.target.endpoint } : {}) });
    text = (await sm.send(new GetSecretValueCommand({ SecretId: config.FCM_SERVICE_ACCOUNT_SECRET }))).SecretString;
    sm.destroy();
  }
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError("the FCM service-account key is not JSON", ["FCM_SERVICE_ACCOUNT"]);
  }
  const parsed = serviceAccountSchema.safeParse(json);
  if (!parsed.success)
    throw new ConfigError(`the FCM service-account key lacks ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}`, ["FCM_SERVICE_ACCOUNT"]);
  return parsed.data;
}

/** Config, clients and dispatcher deps for the worker, the Lambda entries and the deferred pass, from the environment (parsed once). */
export async function createAlertRuntime(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env, alertDispatchEnv);
  const def = stackDefinition(config.STAGE);
  const aws: AwsClients = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("alert-dispatch", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queue = def.queues.alertDispatch;
  const urlOf = async (QueueName: string): Promise<string> => (await aws.sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl ?? QueueName;
  const serviceAccount = await loadServiceAccount(config, aws);
  const deps: DispatchDeps = {
    db,
    // Nothing alert-dispatch reads is sealed; the encryptor is there because the repositories take one.
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    relay: { db, events: aws.events, busName: def.bus.name, log },
    ...(serviceAccount
      ? { push: createFcmClient({ serviceAccount, fcmBaseUrl: config.FCM_BASE_URL, ...(config.FCM_TOKEN_URL ? { tokenUrl: config.FCM_TOKEN_URL } : {}) }) }
      : {}),
    ...(config.ALERTS_FROM_EMAIL ? { email: createSesEmailSender(aws.sesv2, config.ALERTS_FROM_EMAIL) } : {}),
    log,
    maxPerHour: config.ALERTS_MAX_PER_HOUR,
  };
  if (!deps.push) log.warn("no FCM service-account key configured: push notifications are not sent");
  if (!deps.email) log.warn("ALERTS_FROM_EMAIL unset: email notifications are not sent");
  return { config, aws, deps, log, queue, urlOf };
}
