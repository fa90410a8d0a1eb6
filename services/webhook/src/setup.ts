import { GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { createAwsClients } from "@expenzez/aws";
import { loadConfig } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { stackDefinition } from "@expenzez/infra";
import { createLogger, type Logger } from "@expenzez/logger";
import { serviceDefinition } from "@expenzez/resources";
import { resolveSecretVariables } from "@expenzez/runtime";
import { createTrueLayerClient } from "@expenzez/truelayer";
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
  /** The secret path segment of our async-results webhook_uri (on AWS read from Secrets Manager at start-up by the kit's resolver). */
  TRUELAYER_RESULTS_SECRET: z.string().min(16),
  /**
   * TrueLayer, as the sync worker sees it, for `DELETE /v1/connections/{id}` (revoking the consent).
   * All four or none; none: that route answers 503.
   */
  TRUELAYER_AUTH_URL: z.url().optional(),
  TRUELAYER_DATA_URL: z.url().optional(),
  TRUELAYER_CLIENT_ID: z.string().min(1).optional(),
  TRUELAYER_CLIENT_SECRET: z.string().min(1).optional(),
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
  // On AWS the results secret arrives by reference (TRUELAYER_RESULTS_SECRET_SECRET_ID): read it now.
  const config = loadConfig(await resolveSecretVariables(env, serviceDefinition("webhook")), webhookEnv);
  const def = stackDefinition(config.STAGE);
  const aws = createAwsClients({ region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL });
  const log = createLogger("webhook", { level: config.LOG_LEVEL });
  const db = { doc: aws.doc, tableName: def.table.name };
  const queueUrl = (await aws.sqs.send(new GetQueueUrlCommand({ QueueName: def.queues.syncJobs.name }))).QueueUrl ?? def.queues.syncJobs.name;
  const deps: WebhookDeps = {
    db,
    repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: def.key.alias })),
    sendJob: sqsJobSender(aws.sqs, queueUrl),
    verifyBearer: bearerVerifier({ jwks: new URL(config.AUTH_JWKS_URL), issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE }),
    verifyTlSignature: tlSignatureVerifier({ allowedJkus: config.TRUELAYER_WEBHOOK_JKUS }),
    resultsSecret: config.TRUELAYER_RESULTS_SECRET,
    ...trueLayerOf(config, log),
    log,
  };
  return { config, deps, log, queueUrl };
}

/** The TrueLayer client from the four variables: all or none. */
function trueLayerOf(config: z.output<typeof webhookEnv>, log: Logger): Pick<WebhookDeps, "truelayer"> {
  const { TRUELAYER_AUTH_URL: authBaseUrl, TRUELAYER_DATA_URL: dataBaseUrl, TRUELAYER_CLIENT_ID: clientId, TRUELAYER_CLIENT_SECRET: clientSecret } = config;
  const given = [authBaseUrl, dataBaseUrl, clientId, clientSecret].filter((v) => v !== undefined).length;
  if (given === 0) return {};
  if (!authBaseUrl || !dataBaseUrl || !clientId || !clientSecret) {
    throw new Error("TRUELAYER_AUTH_URL, TRUELAYER_DATA_URL, TRUELAYER_CLIENT_ID and TRUELAYER_CLIENT_SECRET go together: set all or none");
  }
  return { truelayer: createTrueLayerClient({ authBaseUrl, dataBaseUrl, clientId, clientSecret, logger: log }) };
}
