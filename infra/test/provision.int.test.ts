import { DescribeContinuousBackupsCommand, DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { DescribeEventBusCommand, DescribeRuleCommand, ListTargetsByRuleCommand, PutRuleCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { GetKeyRotationStatusCommand, ListAliasesCommand } from "@aws-sdk/client-kms";
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { type AwsClients, createAwsClients, destroyAwsClients } from "@expenzez/aws";
import { stackDefinition } from "@expenzez/resources";
import { emulatorEndpoint, resetForFile, TEST_REGION } from "@expenzez/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Change, provision, type StackHandles } from "../src/provision";

const def = stackDefinition("provtest");
const queues = Object.values(def.queues);

function byName(changes: Change[]) {
  return new Map(changes.map((c) => [`${c.resource} ${c.name}`, c]));
}

async function queueAttributes(aws: AwsClients, url: string) {
  return (await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["All"] }))).Attributes ?? {};
}

describe("provision() against moto", () => {
  let aws: AwsClients;
  let first: { changes: Change[]; handles: StackHandles };

  beforeAll(async () => {
    await resetForFile();
    aws = createAwsClients({ region: TEST_REGION, endpoint: emulatorEndpoint() });
    first = await provision(aws, def);
  });
  afterAll(() => destroyAwsClients(aws));

  it("creates every resource on the first run and reports nothing unchanged", () => {
    expect(first.changes.filter((c) => c.action === "unchanged")).toEqual([]);
    const kinds = first.changes.map((c) => c.resource);
    expect(kinds.filter((k) => k === "sqs:queue")).toHaveLength(queues.length * 2);
    expect(kinds.filter((k) => k === "events:rule")).toHaveLength(def.rules.length);
    expect(kinds.filter((k) => k === "events:target")).toHaveLength(def.rules.length);
    expect(first.changes.filter((c) => c.resource === "ses:identity")).toEqual([{ resource: "ses:identity", name: def.email.sender, action: "created" }]);
  });

  it("creates the table with its four GSIs, TTL, PITR and SSE with the stack's key", async () => {
    const table = (await aws.dynamo.send(new DescribeTableCommand({ TableName: def.table.name }))).Table!;
    expect(table.KeySchema).toEqual([
      { AttributeName: def.table.keys.partitionKey, KeyType: "HASH" },
      { AttributeName: def.table.keys.sortKey, KeyType: "RANGE" },
    ]);
    expect(table.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    const gsis = table.GlobalSecondaryIndexes ?? [];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual(
      Object.values(def.table.indexes)
        .map((i) => i.name)
        .sort(),
    );
    for (const index of Object.values(def.table.indexes)) {
      const gsi = gsis.find((g) => g.IndexName === index.name)!;
      expect(gsi.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ]);
      expect(gsi.Projection?.ProjectionType).toBe("ALL");
    }
    expect(table.SSEDescription).toMatchObject({ Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: first.handles.keyArn });

    const ttl = await aws.dynamo.send(new DescribeTimeToLiveCommand({ TableName: def.table.name }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: def.table.ttlAttribute });
    const backups = await aws.dynamo.send(new DescribeContinuousBackupsCommand({ TableName: def.table.name }));
    expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe("ENABLED");
  });

  it("creates the KMS key with rotation on, behind the definition's alias", async () => {
    const aliases = (await aws.kms.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(aliases.find((a) => a.AliasName === def.key.alias)?.TargetKeyId).toBe(first.handles.keyId);
    const rotation = await aws.kms.send(new GetKeyRotationStatusCommand({ KeyId: first.handles.keyId }));
    expect(rotation.KeyRotationEnabled).toBe(true);
  });

  it("creates every queue with the definition's settings and a redrive policy to its own DLQ", async () => {
    for (const q of queues) {
      const handles = first.handles.queues[q.id];
      const main = await queueAttributes(aws, handles.url);
      expect(main, q.name).toMatchObject({
        QueueArn: handles.arn,
        VisibilityTimeout: String(q.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(q.retentionSeconds),
        ReceiveMessageWaitTimeSeconds: String(q.receiveWaitTimeSeconds),
        SqsManagedSseEnabled: "true",
      });
      const redrive = JSON.parse(main.RedrivePolicy!);
      expect({ ...redrive, maxReceiveCount: Number(redrive.maxReceiveCount) }).toEqual({
        deadLetterTargetArn: handles.dlqArn,
        maxReceiveCount: q.maxReceiveCount,
      });
      const dlq = await queueAttributes(aws, handles.dlqUrl);
      expect(dlq, q.dlqName).toMatchObject({ QueueArn: handles.dlqArn, MessageRetentionPeriod: String(q.dlqRetentionSeconds) });
      expect(dlq.RedrivePolicy).toBeUndefined();
    }
  });

  it("creates the bus and each rule with the definition's pattern and its queue as the only target, its DLQ for what cannot be delivered", async () => {
    const bus = await aws.events.send(new DescribeEventBusCommand({ Name: def.bus.name }));
    expect(bus.Arn).toBe(first.handles.busArn);
    for (const rule of def.rules) {
      const described = await aws.events.send(new DescribeRuleCommand({ Name: rule.name, EventBusName: def.bus.name }));
      expect(JSON.parse(described.EventPattern!)).toEqual(rule.eventPattern);
      expect(described.State).toBe("ENABLED");
      const targets = await aws.events.send(new ListTargetsByRuleCommand({ Rule: rule.name, EventBusName: def.bus.name }));
      expect(targets.Targets?.map((t) => t.Arn)).toEqual([first.handles.queues[rule.target].arn]);
      expect(targets.Targets?.[0]?.DeadLetterConfig).toEqual({ Arn: first.handles.queues[rule.target].dlqArn });
    }
  });

  it("lets events.amazonaws.com send to a targeted queue from exactly its rules' real ARNs", async () => {
    for (const q of queues) {
      const policy = (await queueAttributes(aws, first.handles.queues[q.id].url)).Policy;
      const rules = def.rules.filter((r) => r.target === q.id);
      if (rules.length === 0) {
        expect(policy, `${q.name} is no rule's target`).toBeUndefined();
        continue;
      }
      const ruleArns = await Promise.all(
        rules.map(async (r) => (await aws.events.send(new DescribeRuleCommand({ Name: r.name, EventBusName: def.bus.name }))).Arn),
      );
      expect(JSON.parse(policy!).Statement).toEqual([
        expect.objectContaining({
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: first.handles.queues[q.id].arn,
          Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
        }),
      ]);
    }
  });

  it("changes nothing on a second run and says so for every resource", async () => {
    // Act
    const second = await provision(aws, def);
    // Assess
    expect(second.changes.filter((c) => c.action !== "unchanged")).toEqual([]);
    expect([...byName(second.changes).keys()].sort()).toEqual([...byName(first.changes).keys()].sort());
    expect(second.handles).toEqual(first.handles);
  });

  it("repairs drift made by hand and reports exactly what it touched", async () => {
    // Prepare: a shortened visibility timeout, a rule with a foreign pattern, a rule without its target.
    const drifted = def.queues.budgetRecalc;
    const [patternRule, targetRule] = [def.rules[0]!, def.rules[1]!];
    await aws.sqs.send(new SetQueueAttributesCommand({ QueueUrl: first.handles.queues[drifted.id].url, Attributes: { VisibilityTimeout: "1" } }));
    await aws.events.send(
      new PutRuleCommand({
        Name: patternRule.name,
        EventBusName: def.bus.name,
        EventPattern: JSON.stringify({ source: ["someone.else"] }),
      }),
    );
    await aws.events.send(new RemoveTargetsCommand({ Rule: targetRule.name, EventBusName: def.bus.name, Ids: [targetRule.target] }));
    expect((await aws.events.send(new ListTargetsByRuleCommand({ Rule: targetRule.name, EventBusName: def.bus.name }))).Targets).toEqual([]);
    // moto's SetQueueAttributes also drops the Policy it was not given (AWS keeps it): then that is drift too.
    const policyLost = (await queueAttributes(aws, first.handles.queues[drifted.id].url)).Policy === undefined;

    // Act
    const { changes } = await provision(aws, def);

    // Assess: exactly the repairs are reported, everything else is unchanged.
    const touched = changes.filter((c) => c.action !== "unchanged");
    expect(touched).toEqual([
      { resource: "sqs:queue", name: drifted.name, action: "updated", detail: "VisibilityTimeout" },
      { resource: "events:rule", name: patternRule.name, action: "updated" },
      { resource: "events:target", name: `${targetRule.name} → ${targetRule.target}`, action: "created" },
      ...(policyLost ? [{ resource: "sqs:policy", name: drifted.name, action: "updated" }] : []),
    ]);
    const repaired = await queueAttributes(aws, first.handles.queues[drifted.id].url);
    expect(repaired.VisibilityTimeout).toBe(String(drifted.visibilityTimeoutSeconds));
    expect(JSON.parse(repaired.Policy!).Statement).toHaveLength(1);
    const pattern = (await aws.events.send(new DescribeRuleCommand({ Name: patternRule.name, EventBusName: def.bus.name }))).EventPattern;
    expect(JSON.parse(pattern!)).toEqual(patternRule.eventPattern);
    const targets = await aws.events.send(new ListTargetsByRuleCommand({ Rule: targetRule.name, EventBusName: def.bus.name }));
    expect(targets.Targets?.map((t) => t.Arn)).toEqual([first.handles.queues[targetRule.target].arn]);
    const settled = await provision(aws, def);
    expect(settled.changes.filter((c) => c.action !== "unchanged")).toEqual([]);
  });
});
