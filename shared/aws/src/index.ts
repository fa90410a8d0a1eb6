import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KMSClient } from "@aws-sdk/client-kms";
import { SESv2Client } from "@aws-sdk/client-sesv2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface AwsTarget {
  region: string;
  /** Set for moto/LocalStack; unset on real AWS. */
  endpoint?: string | undefined;
}

export interface AwsClients {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  events: EventBridgeClient;
  kms: KMSClient;
  /** Email (SES v2 SendEmail). */
  sesv2: SESv2Client;
  target: AwsTarget;
}

/** Emulators accept any credentials; real AWS uses the default provider chain. */
const EMULATOR_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * A socket that says nothing for this long fails the attempt (retried like any transient error).
 * The SDK's default is no limit: a connection that died without a reset (the fault suite's proxy
 * cut mid-request; a NAT that forgets an idle flow) hung the scheduler's tick and outbox sweep
 * for good. Above SQS's 20 s long poll, which keeps a socket quiet by design.
 */
export const AWS_SOCKET_TIMEOUT_MS = 35_000;
export const AWS_CONNECT_TIMEOUT_MS = 5_000;

/**
 * One set of SDK v3 clients for a target: the same code talks to moto, LocalStack or AWS.
 *
 * @example const aws = createAwsClients({ region: "eu-west-2", endpoint: process.env.AWS_ENDPOINT_URL });
 */
export function createAwsClients(target: AwsTarget, options: { socketTimeoutMs?: number } = {}): AwsClients {
  const common = {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint, credentials: EMULATOR_CREDENTIALS } : {}),
    maxAttempts: 4,
    // throwOnRequestTimeout: without it this SDK only logs a warning and keeps waiting.
    requestHandler: {
      requestTimeout: options.socketTimeoutMs ?? AWS_SOCKET_TIMEOUT_MS,
      connectionTimeout: AWS_CONNECT_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  };
  const dynamo = new DynamoDBClient(common);
  const doc = DynamoDBDocumentClient.from(dynamo, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
  // Each command class's middleware stack resolved once instead of on every send, measured in
  // the sync bench's replay of a job's requests (docs/sync-worker.md, "Worker CPU"). Middleware
  // added to these clients or their commands after a class's first send would be ignored: none
  // is. Not for DynamoDB: the document client refuses the option (lib-dynamodb's commands would
  // resend their own first input from a cached handler).
  const cached = { ...common, cacheMiddleware: true };
  return {
    dynamo,
    doc,
    sqs: new SQSClient(cached),
    events: new EventBridgeClient(cached),
    kms: new KMSClient(cached),
    sesv2: new SESv2Client(cached),
    target,
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.dynamo.destroy();
  clients.sqs.destroy();
  clients.events.destroy();
  clients.kms.destroy();
  clients.sesv2.destroy();
}
