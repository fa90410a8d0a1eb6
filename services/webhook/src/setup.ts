import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { createAwsClients } from "@expenzez/aws";
import { ConfigError, loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { z } from "zod";
import { bearerVerifier } from "./bearer";
import type { WebhookDeps } from "./handler";
import { sqsJobSender } from "./jobs";
import { tlSignatureVerifier } from "./tl-signature";

const list = z
  .string()
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url()).min(1));

/** The webhook's own variables, on top of the base config (STAGE, AWS_REGION, AWS_ENDPOINT_URL, LOG_LEVEL). */
export const webhookEnv = z.object({
  /** The app's identity provider: key set, issuer and audience of its access tokens. */
  AUTH_JWKS_URL: z.url(),
  AUTH_ISSUER: z.string().min(1),
  AUTH_AUDIENCE: z.string().min(1),
  /** Comma-separated key-set URLs a Tl-Signature's jku may name. */
  TRUELAYER_WEBHOOK_JKUS: list.default(["https://webhooks.truelayer.com/.well-known/jwks"]),
  /** The secret path segment of our async-results webhook_uri, or (on AWS) the ARN of the secret that holds it. */
  TRUELAYER_RESULTS_SECRET: z.string().min(16).optional(),
  TRUELAYER_RESULTS_SECRET_ARN: z.string().min(1).optional(),
  WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  WEBHOOK_HOST: z.string().default("127.0.0.1"),
  WEBHOOK_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024),
});

/** Config, clients and deps for both runtimes, from the environment (parsed once). */
export async function createWebhookRuntime(env: Record<string, string | undefined> = process.env) {
  const config = loadConfig(env, webhookEnv);
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("webhook", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queueUrl = (await aws.sqs.send(new GetQueueUrlCommand({ QueueName: def.queues.syncJobs.name }))).QueueUrl ?? def.queues.syncJobs.name;
  const resultsSecret = config.TRUELAYER_RESULTS_SECRET ?? (await readSecret(config.TRUELAYER_RESULTS_SECRET_ARN, aws.target));
  const deps: WebhookDeps = {
    db,
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    sendJob: sqsJobSender(aws.sqs, queueUrl),
    verifyBearer: bearerVerifier({ jwks: new URL(config.AUTH_JWKS_URL), issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    verifyTlSignature: tlSignatureVerifier({ allowedJkus: config.TRUELAYER_WEBHOOK_JKUS }),
    resultsSecret,
    log,
  };
  return { config, deps, log, queueUrl };
}

// Read once at start-up (cold start on Lambda); the value never sits in the function's configuration.
async function readSecret(arn: string | undefined, target: { region: string; endpoint?: string | undefined }): Promise<string> {
  if (!arn) throw new ConfigError("TRUELAYER_RESULTS_SECRET or TRUELAYER_RESULTS_SECRET_ARN must be set", ["TRUELAYER_RESULTS_SECRET"]);
  const sm = new SecretsManagerClient({ region: target.region, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
  const value = (await sm.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  if (!value || value.length < 16) throw new ConfigError("the results secret is missing or shorter than 16 characters", ["TRUELAYER_RESULTS_SECRET_ARN"]);
  return value;
}
