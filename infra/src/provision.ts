import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type GlobalSecondaryIndex,
  ResourceNotFoundException,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import {
  CreateEventBusCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  ResourceNotFoundException as EventsNotFound,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from "@aws-sdk/client-eventbridge";
import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import { CreateEmailIdentityCommand, GetEmailIdentityCommand, NotFoundException as SesNotFound } from "@aws-sdk/client-sesv2";
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, QueueDoesNotExist, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { AwsClients } from "@expenzez/aws";
import { INDEXES, type QueueDefinition, type QueueId, type StackDefinition } from "@expenzez/resources";

export type ChangeAction = "created" | "updated" | "unchanged";
export interface Change {
  resource: string;
  name: string;
  action: ChangeAction;
  detail?: string;
}

/** Where a provisioned stack lives: what runtimes need besides the definition. */
export interface StackHandles {
  tableName: string;
  busName: string;
  busArn: string;
  keyId: string;
  keyArn: string;
  queues: Record<QueueId, { url: string; arn: string; dlqUrl: string; dlqArn: string }>;
}

/**
 * Creates or updates every resource of `def` on an emulator (moto, LocalStack) through the
 * SDK. Idempotent: a second run reports every resource `unchanged` and writes nothing.
 */
export async function provision(aws: AwsClients, def: StackDefinition): Promise<{ changes: Change[]; handles: StackHandles }> {
  const changes: Change[] = [];
  // The key first: the table is encrypted with it, as in the CDK stack.
  const key = await ensureKey(aws, def, changes);
  changes.push(...(await ensureTable(aws, def, key.keyArn)));
  const bus = await ensureBus(aws, def, changes);
  await ensureEmailIdentity(aws, def, changes);
  const queues = {} as StackHandles["queues"];
  for (const q of Object.values(def.queues)) queues[q.id] = await ensureQueuePair(aws, q, changes);
  for (const rule of def.rules) await ensureRule(aws, def, rule, queues[rule.target], changes);
  for (const q of Object.values(def.queues)) await ensureQueuePolicy(aws, def, q, queues[q.id], bus.arn, changes);
  return {
    changes,
    handles: { tableName: def.table.name, busName: def.bus.name, busArn: bus.arn, keyId: key.keyId, keyArn: key.keyArn, queues },
  };
}

// ── DynamoDB ────────────────────────────────────────────────────────────────

function tableAttributes(def: StackDefinition): AttributeDefinition[] {
  const names: string[] = [def.table.keys.partitionKey, def.table.keys.sortKey];
  for (const index of Object.values(INDEXES)) names.push(index.partitionKey, index.sortKey);
  return names.map((AttributeName) => ({ AttributeName, AttributeType: "S" }));
}

function indexSpec(index: (typeof INDEXES)[keyof typeof INDEXES]): GlobalSecondaryIndex {
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: "HASH" },
      { AttributeName: index.sortKey, KeyType: "RANGE" },
    ],
    Projection: { ProjectionType: "ALL" },
  };
}

async function ensureTable(aws: AwsClients, def: StackDefinition, keyArn: string): Promise<Change[]> {
  const changes: Change[] = [];
  const TableName = def.table.name;
  const existing = await describeTable(aws, TableName);
  if (!existing) {
    await aws.dynamo.send(
      new CreateTableCommand({
        TableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: tableAttributes(def),
        KeySchema: [
          { AttributeName: def.table.keys.partitionKey, KeyType: "HASH" },
          { AttributeName: def.table.keys.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: Object.values(def.table.indexes).map(indexSpec),
        SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: keyArn },
      }),
    );
    await waitUntilTableExists({ client: aws.dynamo, maxWaitTime: 60, minDelay: 1 }, { TableName });
    changes.push({ resource: "dynamodb:table", name: TableName, action: "created" });
  } else {
    const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    const missing = Object.values(def.table.indexes).filter((i) => !have.has(i.name));
    // DynamoDB adds one GSI per UpdateTable call.
    for (const index of missing) {
      await aws.dynamo.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: tableAttributes(def),
          GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
        }),
      );
    }
    changes.push({
      resource: "dynamodb:table",
      name: TableName,
      action: missing.length ? "updated" : "unchanged",
      ...(missing.length ? { detail: `added ${missing.map((m) => m.name).join(", ")}` } : {}),
    });
  }

  const ttl = await aws.dynamo.send(new DescribeTimeToLiveCommand({ TableName }));
  const ttlOn = ttl.TimeToLiveDescription?.TimeToLiveStatus === "ENABLED" && ttl.TimeToLiveDescription.AttributeName === def.table.ttlAttribute;
  if (!ttlOn) {
    await aws.dynamo.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: def.table.ttlAttribute, Enabled: true } }));
  }
  changes.push({ resource: "dynamodb:ttl", name: `${TableName}.${def.table.ttlAttribute}`, action: ttlOn ? "unchanged" : "updated" });

  const backups = await aws.dynamo.send(new DescribeContinuousBackupsCommand({ TableName }));
  const pitrOn = backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === "ENABLED";
  if (def.table.pointInTimeRecovery && !pitrOn) {
    await aws.dynamo.send(new UpdateContinuousBackupsCommand({ TableName, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
  }
  changes.push({ resource: "dynamodb:pitr", name: TableName, action: pitrOn || !def.table.pointInTimeRecovery ? "unchanged" : "updated" });
  return changes;
}

async function describeTable(aws: AwsClients, TableName: string) {
  try {
    return (await aws.dynamo.send(new DescribeTableCommand({ TableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

// ── KMS ─────────────────────────────────────────────────────────────────────

async function ensureKey(aws: AwsClients, def: StackDefinition, changes: Change[]): Promise<{ keyId: string; keyArn: string }> {
  let marker: string | undefined;
  do {
    const page = await aws.kms.send(new ListAliasesCommand({ Marker: marker }));
    const alias = page.Aliases?.find((a) => a.AliasName === def.key.alias);
    if (alias?.TargetKeyId) {
      changes.push({ resource: "kms:key", name: def.key.alias, action: "unchanged" });
      const region = aws.target.region;
      const account = alias.AliasArn?.split(":")[4] ?? "123456789012";
      return { keyId: alias.TargetKeyId, keyArn: `arn:aws:kms:${region}:${account}:key/${alias.TargetKeyId}` };
    }
    marker = page.Truncated ? page.NextMarker : undefined;
  } while (marker);
  const created = await aws.kms.send(new CreateKeyCommand({ Description: def.key.description, KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT" }));
  const keyId = created.KeyMetadata!.KeyId!;
  await aws.kms.send(new EnableKeyRotationCommand({ KeyId: keyId }));
  await aws.kms.send(new CreateAliasCommand({ AliasName: def.key.alias, TargetKeyId: keyId }));
  changes.push({ resource: "kms:key", name: def.key.alias, action: "created" });
  return { keyId, keyArn: created.KeyMetadata!.Arn! };
}

// ── EventBridge ─────────────────────────────────────────────────────────────

// ── SES ─────────────────────────────────────────────────────────────────────

/** The alert sender as an SES identity: SendEmail refuses an unverified one (moto and LocalStack verify at once). */
async function ensureEmailIdentity(aws: AwsClients, def: StackDefinition, changes: Change[]): Promise<void> {
  const name = def.email.sender;
  try {
    await aws.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: name }));
    changes.push({ resource: "ses:identity", name, action: "unchanged" });
  } catch (err) {
    if (!(err instanceof SesNotFound)) throw err;
    await aws.sesv2.send(new CreateEmailIdentityCommand({ EmailIdentity: name }));
    changes.push({ resource: "ses:identity", name, action: "created" });
  }
}

async function ensureBus(aws: AwsClients, def: StackDefinition, changes: Change[]): Promise<{ arn: string }> {
  try {
    const bus = await aws.events.send(new DescribeEventBusCommand({ Name: def.bus.name }));
    changes.push({ resource: "events:bus", name: def.bus.name, action: "unchanged" });
    return { arn: bus.Arn! };
  } catch (err) {
    if (!(err instanceof EventsNotFound)) throw err;
  }
  const created = await aws.events.send(new CreateEventBusCommand({ Name: def.bus.name }));
  changes.push({ resource: "events:bus", name: def.bus.name, action: "created" });
  return { arn: created.EventBusArn! };
}

async function ensureRule(
  aws: AwsClients,
  def: StackDefinition,
  rule: StackDefinition["rules"][number],
  target: { arn: string; dlqArn: string },
  changes: Change[],
): Promise<void> {
  const wanted = JSON.stringify(rule.eventPattern);
  let current: string | undefined;
  try {
    current = (await aws.events.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: def.bus.name }))).EventPattern;
  } catch (err) {
    if (!(err instanceof EventsNotFound)) throw err;
  }
  let action: ChangeAction = "unchanged";
  if (!current || !samePattern(current, wanted)) {
    await aws.events.send(
      new PutRuleCommand({
        Name: rule.name,
        EventBusName: def.bus.name,
        EventPattern: wanted,
        Description: rule.description,
        State: "ENABLED",
      }),
    );
    action = current ? "updated" : "created";
  }
  changes.push({ resource: "events:rule", name: rule.name, action });

  // The queue, with its DLQ for what EventBridge cannot deliver (as the CDK stack has it).
  const targets = (await aws.events.send(new ListTargetsByRuleCommand({ Rule: rule.name, EventBusName: def.bus.name }))).Targets ?? [];
  const existing = targets.find((t) => t.Arn === target.arn);
  const targetAction: ChangeAction = !existing ? "created" : existing.DeadLetterConfig?.Arn === target.dlqArn ? "unchanged" : "updated";
  if (targetAction !== "unchanged") {
    await aws.events.send(
      new PutTargetsCommand({
        Rule: rule.name,
        EventBusName: def.bus.name,
        Targets: [{ Id: existing?.Id ?? rule.target, Arn: target.arn, DeadLetterConfig: { Arn: target.dlqArn } }],
      }),
    );
  }
  changes.push({ resource: "events:target", name: `${rule.name} → ${rule.target}`, action: targetAction });
}

function samePattern(a: string, b: string): boolean {
  return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
}

// ── SQS ─────────────────────────────────────────────────────────────────────

async function ensureQueue(aws: AwsClients, name: string, attributes: Record<string, string>, changes: Change[]): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await aws.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
  } catch (err) {
    if (!(err instanceof QueueDoesNotExist)) throw err;
  }
  if (!url) {
    url = (await aws.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
    changes.push({ resource: "sqs:queue", name, action: "created" });
  } else {
    const drift = await attributeDrift(aws, url, attributes);
    if (drift.length) await aws.sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
    changes.push({ resource: "sqs:queue", name, action: drift.length ? "updated" : "unchanged", ...(drift.length ? { detail: drift.join(", ") } : {}) });
  }
  const arn = (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function attributeDrift(aws: AwsClients, url: string, wanted: Record<string, string>): Promise<string[]> {
  const have: Record<string, string | undefined> =
    (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {};
  return Object.entries(wanted)
    .filter(([k, v]) => !sameAttribute(have[k], v))
    .map(([k]) => k);
}

function sameAttribute(have: string | undefined, wanted: string): boolean {
  if (have === undefined) return false;
  if (wanted.startsWith("{")) {
    try {
      return canonicalJson(JSON.parse(have)) === canonicalJson(JSON.parse(wanted));
    } catch {
      return false;
    }
  }
  return have === wanted;
}

/** JSON with sorted keys and numbers as strings: SQS echoes maxReceiveCount either way. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(String(value));
}

/** Encryption at rest with SQS-owned keys, as the CDK stack sets it. */
const SQS_MANAGED_SSE = { SqsManagedSseEnabled: "true" };

async function ensureQueuePair(aws: AwsClients, q: QueueDefinition, changes: Change[]) {
  const dlq = await ensureQueue(aws, q.dlqName, { MessageRetentionPeriod: String(q.dlqRetentionSeconds), ...SQS_MANAGED_SSE }, changes);
  const main = await ensureQueue(
    aws,
    q.name,
    {
      VisibilityTimeout: String(q.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(q.retentionSeconds),
      ReceiveMessageWaitTimeSeconds: String(q.receiveWaitTimeSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: q.maxReceiveCount }),
      ...SQS_MANAGED_SSE,
    },
    changes,
  );
  return { url: main.url, arn: main.arn, dlqUrl: dlq.url, dlqArn: dlq.arn };
}

/** Lets EventBridge deliver into a queue, only from the rules that target it. */
export function queuePolicy(def: StackDefinition, queueId: QueueId, queueArn: string, busArn: string): string {
  const ruleArns = def.rules
    .filter((r) => r.target === queueId)
    .map((r) => busArn.replace(":event-bus/", ":rule/").replace(/\/[^/]+$/, `/${def.bus.name}/${r.name}`));
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: ruleArns.length
      ? [
          {
            Sid: "AllowEventBridgeRules",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: queueArn,
            Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
          },
        ]
      : [],
  });
}

async function ensureQueuePolicy(
  aws: AwsClients,
  def: StackDefinition,
  q: QueueDefinition,
  handles: { url: string; arn: string },
  busArn: string,
  changes: Change[],
): Promise<void> {
  if (!def.rules.some((r) => r.target === q.id)) return;
  const Policy = queuePolicy(def, q.id, handles.arn, busArn);
  const drift = await attributeDrift(aws, handles.url, { Policy });
  if (drift.length) await aws.sqs.send(new SetQueueAttributesCommand({ QueueUrl: handles.url, Attributes: { Policy } }));
  changes.push({ resource: "sqs:policy", name: q.name, action: drift.length ? "updated" : "unchanged" });
}
