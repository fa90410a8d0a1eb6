import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { alarmDefinitions, alarmTopicName, allServices, serviceDefinition, stackDefinition } from "@expenzez/resources";
import { App, Token } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, it } from "vitest";
import { ExpenzezStack } from "../cdk/expenzez-stack";
import { secretName } from "../cdk/service-functions";

// Every expectation comes from the definition, so CDK and the local provisioner cannot drift.
const def = stackDefinition("dev");
const queues = Object.values(def.queues);

const SYNTH_TIMEOUT_MS = 240_000;

/** The rate expression CDK writes: whole days and hours in their own unit (1440 minutes is `rate(1 day)`). */
function rateOf(minutes: number): string {
  const [n, unit] = minutes % 1440 === 0 ? [minutes / 1440, "day"] : minutes % 60 === 0 ? [minutes / 60, "hour"] : [minutes, "minute"];
  return `rate(${n} ${unit}${n === 1 ? "" : "s"})`;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The logical id of the one resource of `type` whose properties include `properties`. */
function logicalId(template: Template, type: string, properties: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(properties) }));
  expect(found, `${type} ${JSON.stringify(properties)}`).toHaveLength(1);
  return found[0]!;
}

describe("CDK stack built from stackDefinition()", () => {
  let stack: ExpenzezStack;
  let template: Template;
  // Synthesis takes seconds, more on a busy machine: generous limits, not flaky ones.
  beforeAll(() => {
    stack = new ExpenzezStack(new App(), "expenzez-dev", { def });
    template = Template.fromStack(stack);
  }, SYNTH_TIMEOUT_MS);

  it("declares the alert sender as an SES email identity", () => {
    template.hasResourceProperties("AWS::SES::EmailIdentity", { EmailIdentity: def.email.sender });
  });

  it("is environment-agnostic, so synth needs no account or credentials", () => {
    expect(Token.isUnresolved(stack.account)).toBe(true);
    expect(Token.isUnresolved(stack.region)).toBe(true);
  });

  it("has the KMS key with rotation and its alias, both kept on stack deletion", () => {
    template.resourceCountIs("AWS::KMS::Key", 1);
    template.hasResource("AWS::KMS::Key", {
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: def.key.description }),
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    const keyId = logicalId(template, "AWS::KMS::Key", { EnableKeyRotation: true });
    template.hasResourceProperties("AWS::KMS::Alias", {
      AliasName: def.key.alias,
      TargetKeyId: { "Fn::GetAtt": [keyId, "Arn"] },
    });
  });

  it("has the table with keys, four ALL-projection GSIs, TTL, PITR and SSE by KMS, not with the data key that seals tokens", () => {
    const indexes = Object.values(def.table.indexes);
    expect(indexes).toHaveLength(4);
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: Match.objectLike({
        TableName: def.table.name,
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [
          { AttributeName: def.table.keys.partitionKey, KeyType: "HASH" },
          { AttributeName: def.table.keys.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: "HASH" },
            { AttributeName: index.sortKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
        TimeToLiveSpecification: { AttributeName: def.table.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: def.table.pointInTimeRecovery },
      }),
    });
    // Encrypted at rest by DynamoDB's KMS key: no grant on the table is a grant on the data key.
    const [table] = Object.values(template.findResources("AWS::DynamoDB::Table") as Resources);
    expect(table?.Properties.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it("has every queue with SQS-managed encryption and a redrive policy to its own DLQ", () => {
    template.resourceCountIs("AWS::SQS::Queue", queues.length * 2);
    for (const q of queues) {
      const dlqId = logicalId(template, "AWS::SQS::Queue", { QueueName: q.dlqName });
      template.hasResourceProperties("AWS::SQS::Queue", {
        QueueName: q.dlqName,
        MessageRetentionPeriod: q.dlqRetentionSeconds,
        SqsManagedSseEnabled: true,
      });
      template.hasResourceProperties("AWS::SQS::Queue", {
        QueueName: q.name,
        VisibilityTimeout: q.visibilityTimeoutSeconds,
        MessageRetentionPeriod: q.retentionSeconds,
        ReceiveMessageWaitTimeSeconds: q.receiveWaitTimeSeconds,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] }, maxReceiveCount: q.maxReceiveCount },
      });
    }
  });

  it("has the bus and every rule with exactly the definition's pattern and its queue as the one target", () => {
    template.resourceCountIs("AWS::Events::EventBus", 1);
    const busId = logicalId(template, "AWS::Events::EventBus", { Name: def.bus.name });
    template.resourceCountIs("AWS::Events::Rule", def.rules.length);
    for (const rule of def.rules) {
      const queueId = logicalId(template, "AWS::SQS::Queue", { QueueName: def.queues[rule.target].name });
      template.hasResourceProperties("AWS::Events::Rule", {
        Name: rule.name,
        EventBusName: { Ref: busId },
        State: "ENABLED",
        EventPattern: Match.objectEquals(rule.eventPattern),
        Targets: [{ Arn: { "Fn::GetAtt": [queueId, "Arn"] }, Id: Match.anyValue() }],
      });
    }
  });

  it("gives every rule's target its queue's DLQ, so an event EventBridge cannot deliver is kept there instead of dropped after its retries", () => {
    const policies = Object.values(template.findResources("AWS::SQS::QueuePolicy") as Resources);
    for (const rule of def.rules) {
      const dlqId = logicalId(template, "AWS::SQS::Queue", { QueueName: def.queues[rule.target].dlqName });
      const ruleId = logicalId(template, "AWS::Events::Rule", { Name: rule.name });
      template.hasResourceProperties("AWS::Events::Rule", {
        Name: rule.name,
        Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { "Fn::GetAtt": [dlqId, "Arn"] } } })],
      });
      // The DLQ lets EventBridge put there what this rule could not deliver.
      const statements = policies
        .filter((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: dlqId }]))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
        .filter((st) => JSON.stringify(st.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }));
      expect(statements, rule.name).toContainEqual(
        expect.objectContaining({ Effect: "Allow", Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [ruleId, "Arn"] } } } }),
      );
    }
  });

  it("lets events.amazonaws.com send to a queue only from the rules that target it", () => {
    const policies = template.findResources("AWS::SQS::QueuePolicy") as Resources;
    const eventsStatementsFor = (queueId: string) =>
      Object.values(policies)
        .filter((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: queueId }]))
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement)
        .filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "events.amazonaws.com" }));

    for (const q of queues) {
      const queueId = logicalId(template, "AWS::SQS::Queue", { QueueName: q.name });
      const ruleIds = def.rules.filter((r) => r.target === q.id).map((r) => logicalId(template, "AWS::Events::Rule", { Name: r.name }));
      const statements = eventsStatementsFor(queueId);
      expect(statements, q.name).toHaveLength(ruleIds.length);
      for (const [i, ruleId] of ruleIds.entries()) {
        expect(statements[i]).toMatchObject({
          Effect: "Allow",
          Action: expect.arrayContaining(["sqs:SendMessage"]),
          Resource: { "Fn::GetAtt": [queueId, "Arn"] },
          Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [ruleId, "Arn"] } } },
        });
      }
    }
  });
});

describe("the alarms of the catalogue, on the CDK stack", () => {
  let template: Template;
  const alarms = alarmDefinitions(def);
  beforeAll(() => {
    template = Template.fromStack(new ExpenzezStack(new App(), "expenzez-dev", { def }));
  }, SYNTH_TIMEOUT_MS);

  it("creates every alarm of the catalogue and nothing else, each notifying the alarm topic when it fires and when it clears", () => {
    const topicId = logicalId(template, "AWS::SNS::Topic", { TopicName: alarmTopicName(def.stage) });
    template.resourceCountIs("AWS::CloudWatch::Alarm", alarms.length);
    for (const a of alarms) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        AlarmName: a.name,
        AlarmDescription: a.description,
        Threshold: a.threshold,
        ComparisonOperator: "GreaterThanThreshold",
        EvaluationPeriods: a.evaluationPeriods,
        TreatMissingData: "notBreaching",
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    }
  });

  it("watches every DLQ's depth above 0 and every work queue's oldest message, by queue name", () => {
    for (const q of queues) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Dimensions: [{ Name: "QueueName", Value: q.dlqName }],
        Statistic: "Maximum",
        Threshold: 0,
      });
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "AWS/SQS",
        MetricName: "ApproximateAgeOfOldestMessage",
        Dimensions: [{ Name: "QueueName", Value: q.name }],
      });
    }
  });

  it("watches the runtime's HandlerErrors per queue service, the outbox backlog and the share of failed syncs from the EMF metrics", () => {
    for (const svc of allServices().filter((s) => s.kind === "queue")) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "expenzez",
        MetricName: "HandlerErrors",
        Dimensions: [{ Name: "service", Value: svc.name }],
        Statistic: "Sum",
      });
    }
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `expenzez-${def.stage}-outbox-backlog`,
      Namespace: "expenzez",
      MetricName: "OutboxOverdue",
      Dimensions: [{ Name: "service", Value: "outbox-sweep" }],
      Statistic: "Minimum",
      Threshold: 0,
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `expenzez-${def.stage}-sync-failures`,
      Metrics: Match.arrayWith([
        Match.objectLike({
          Id: "failures",
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: "SyncFailures", Namespace: "expenzez" }), Stat: "Sum" }),
        }),
        Match.objectLike({ Id: "syncs", MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: "SyncDuration" }), Stat: "SampleCount" }) }),
      ]),
    });
  });

  it("alarms on any connection whose sealed tokens cannot be opened, apart by whose fault: the record's or our key's (ADR 0073)", () => {
    for (const fault of ["record", "key"]) {
      template.hasResourceProperties("AWS::CloudWatch::Alarm", {
        AlarmName: `expenzez-${def.stage}-token-${fault}-faults`,
        Namespace: "expenzez",
        MetricName: "TokenFaults",
        // CDK writes a metric's dimensions sorted by name.
        Dimensions: [
          { Name: "fault", Value: fault },
          { Name: "service", Value: "sync-worker" },
        ],
        Statistic: "Sum",
        Period: 300,
        Threshold: 0,
      });
    }
  });
});

describe("the services of the catalogue, deployed by the CDK app", () => {
  let template: Template;
  beforeAll(() => {
    const stack = new ExpenzezStack(new App(), "expenzez-dev", { def });
    stack.addServices(allServices(), { code: lambda.Code.fromInline("export const handler = async () => ({});") });
    template = Template.fromStack(stack);
  }, SYNTH_TIMEOUT_MS);

  const functionId = (t: Template, name: string) => logicalId(t, "AWS::Lambda::Function", { FunctionName: `expenzez-${def.stage}-${name}` });
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string };
  const statementsOf = (t: Template, fnId: string): Statement[] => {
    const roleId = (t.findResources("AWS::Lambda::Function")[fnId] as { Properties: { Role: { "Fn::GetAtt": [string] } } }).Properties.Role["Fn::GetAtt"][0];
    return Object.values(t.findResources("AWS::IAM::Policy") as Resources)
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  };

  it.each(
    allServices()
      .filter((s) => s.kind === "queue")
      .map((s) => [s.name, s] as const),
  )("%s consumes its queue with partial batch responses and may send only to its own queue and DLQ (and what it declares)", (name, service) => {
    if (service.kind !== "queue") return;
    const fnId = functionId(template, name);
    const queueId = logicalId(template, "AWS::SQS::Queue", { QueueName: def.queues[service.queue].name });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: fnId },
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: service.batchSize ?? 10,
    });
    const arnOf = (queueName: string) => JSON.stringify({ "Fn::GetAtt": [logicalId(template, "AWS::SQS::Queue", { QueueName: queueName }), "Arn"] });
    // Its own queue for a deferral's delayed copy (ADR 0052), its DLQ for a message that can never succeed.
    const allowedTargets = [
      def.queues[service.queue].name,
      def.queues[service.queue].dlqName,
      ...(("sendTo" in service.access ? service.access.sendTo : undefined) ?? []).map((id) => def.queues[id].name),
    ].map(arnOf);
    const sends = statementsOf(template, fnId).filter((st) => [st.Action].flat().includes("sqs:SendMessage"));
    expect(sends.map((st) => JSON.stringify(st.Resource)).sort()).toEqual([...new Set(allowedTargets)].sort());
  });

  it("sync-worker's Lambda can finish every job of a batch within its timeout, even jobs that run as long as the sync lease allows", () => {
    // The Lambda adapter runs a batch's records one after another and nothing extends their
    // visibility. A sync is sized to finish within its lease, 0.8 of the queue's visibility
    // timeout (services/sync-worker/src/service.ts); the function's timeout is that visibility.
    const service = serviceDefinition("sync-worker");
    if (service.kind !== "queue") throw new Error("sync-worker is a queue service");
    const fn = template.findResources("AWS::Lambda::Function")[functionId(template, "sync-worker")] as { Properties: { Timeout: number } };
    const mapping = Object.values(template.findResources("AWS::Lambda::EventSourceMapping") as Resources).find(
      (m) => JSON.stringify(m.Properties.FunctionName) === JSON.stringify({ Ref: functionId(template, "sync-worker") }),
    );
    const leaseSeconds = Math.floor(def.queues.syncJobs.visibilityTimeoutSeconds * 0.8);
    expect(Number(mapping?.Properties.BatchSize) * leaseSeconds).toBeLessThanOrEqual(fn.Properties.Timeout);
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(def.queues.syncJobs.visibilityTimeoutSeconds);
  });

  it.each(
    allServices()
      .filter((s) => s.kind === "schedule")
      .map((s) => [s.name, s] as const),
  )("%s runs on an EventBridge Scheduler rate schedule that invokes its function", (name, service) => {
    if (service.kind !== "schedule") return;
    const fnId = functionId(template, name);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      Name: `expenzez-${def.stage}-${name}`,
      ScheduleExpression: rateOf(service.everyMinutes),
      Target: Match.objectLike({ Arn: { "Fn::GetAtt": [fnId, "Arn"] } }),
    });
  });

  it.each(allServices().map((s) => [s.name, s] as const))("%s gets secrets by reference only, never as a plain value", (name, service) => {
    const fn = template.findResources("AWS::Lambda::Function")[functionId(template, name)] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    const variables = fn.Properties.Environment.Variables;
    expect(variables.STAGE).toBe(def.stage);
    for (const [variable, source] of Object.entries(service.env ?? {})) {
      if ("secret" in source) {
        expect(variables[variable], variable).toBeUndefined();
        // The reference GetSecretValue is given must find the secret. A partial ARN (all a synth
        // knows: the random suffix comes at creation) of a name that ends in a hyphen and six
        // characters, such as "-secret", is read by Secrets Manager as a complete ARN and finds nothing.
        const reference = variables[`${variable}_SECRET_ID`];
        const name = secretName(def.stage, source.secret);
        if (reference !== name) {
          expect(reference, variable).toBeDefined();
          expect(name, `${variable}: ${name} by partial ARN`).not.toMatch(/-[A-Za-z0-9]{6}$/);
        }
      } else if ("urlOf" in source) {
        // The other service's Function URL (resolved at deploy), then the path.
        const urls = template.findResources("AWS::Lambda::Url", {
          Properties: { TargetFunctionArn: { "Fn::GetAtt": [functionId(template, source.urlOf), "Arn"] } },
        });
        expect(Object.keys(urls), variable).toHaveLength(1);
        expect(variables[variable], variable).toEqual({ "Fn::Join": ["", [{ "Fn::GetAtt": [Object.keys(urls)[0], "FunctionUrl"] }, source.path]] });
      } else expect(variables[variable]).toBe(source.value);
    }
  });

  it.each(allServices().map((s) => [s.name] as const))("%s has no wildcard action or resource in its policies", (name) => {
    for (const statement of statementsOf(template, functionId(template, name))) {
      for (const action of [statement.Action].flat()) expect(action, JSON.stringify(statement)).not.toMatch(/^\*$|:\*$/);
      for (const resource of [statement.Resource].flat()) expect(resource, JSON.stringify(statement)).not.toBe("*");
    }
  });

  it("grants each service only actions of what it declares (table, key, bus, queues, email, secrets)", () => {
    const kmsWrite = /^kms:(Encrypt|GenerateDataKey.*|ReEncrypt.*)$/;
    for (const service of allServices()) {
      const { access } = service;
      const ownQueue = service.kind === "queue";
      const hasSecret = Object.values(service.env ?? {}).some((source) => "secret" in source);
      for (const action of statementsOf(template, functionId(template, service.name)).flatMap((st) => [st.Action].flat())) {
        const [prefix] = action.split(":");
        const allowed =
          (prefix === "dynamodb" && access.table !== undefined) ||
          (action === "kms:Decrypt" && access.key !== undefined) ||
          (action === "kms:DescribeKey" && access.key !== undefined) ||
          (kmsWrite.test(action) && access.key === "encryptDecrypt") ||
          (action === "events:PutEvents" && access.bus === true) ||
          (action === "sqs:SendMessage" && (ownQueue || (access.sendTo?.length ?? 0) > 0)) ||
          (/^sqs:(ReceiveMessage|DeleteMessage|ChangeMessageVisibility)$/.test(action) && ownQueue) ||
          (/^sqs:(GetQueueAttributes|GetQueueUrl)$/.test(action) && (ownQueue || (access.readDepthOf?.length ?? 0) > 0 || (access.sendTo?.length ?? 0) > 0)) ||
          (/^ses:(SendEmail|SendRawEmail)$/.test(action) && access.sendEmail === true) ||
          (/^secretsmanager:(GetSecretValue|DescribeSecret)$/.test(action) && hasSecret);
        expect(allowed, `${service.name} may ${action}`).toBe(true);
      }
    }
  });

  it("grants each service only the table access it declares", () => {
    for (const service of allServices()) {
      const actions = statementsOf(template, functionId(template, service.name)).flatMap((st) => [st.Action].flat());
      const writes = actions.filter((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a));
      if (service.access.table === "readWrite") expect(writes.length, service.name).toBeGreaterThan(0);
      else expect(writes, service.name).toEqual([]);
      if (!service.access.bus) expect(actions, service.name).not.toContain("events:PutEvents");
    }
  });
});

describe("alert-dispatch on the CDK stack, from the catalogue", () => {
  it(
    "consumes its queue, runs the deferred pass every minute, reads the FCM key by reference and may send only as the alert sender",
    () => {
      // Prepare
      const stack = new ExpenzezStack(new App(), "expenzez-dev", { def });
      const alerts = allServices().filter((s) => s.package === "@expenzez/alert-dispatch");
      // Act
      stack.addServices(alerts, { code: lambda.Code.fromInline("export const handler = async () => ({});") });
      // Assess
      const t = Template.fromStack(stack);
      expect(alerts.map((s) => s.name).sort()).toEqual(["alert-deferred", "alert-dispatch"]);
      const fnId = (name: string) => logicalId(t, "AWS::Lambda::Function", { FunctionName: `expenzez-${def.stage}-${name}` });
      const queueId = logicalId(t, "AWS::SQS::Queue", { QueueName: def.queues.alertDispatch.name });
      t.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
        FunctionName: { Ref: fnId("alert-dispatch") },
        EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
        FunctionResponseTypes: ["ReportBatchItemFailures"],
      });
      t.hasResourceProperties("AWS::Scheduler::Schedule", {
        ScheduleExpression: "rate(1 minute)",
        Target: Match.objectLike({ Arn: { "Fn::GetAtt": [fnId("alert-deferred"), "Arn"] } }),
      });
      const senderId = logicalId(t, "AWS::SES::EmailIdentity", { EmailIdentity: def.email.sender });
      for (const name of ["alert-dispatch", "alert-deferred"]) {
        const fn = t.findResources("AWS::Lambda::Function")[fnId(name)] as {
          Properties: { Role: { "Fn::GetAtt": [string] }; Environment: { Variables: Record<string, unknown> } };
        };
        // The key by reference: its ARN, never the JSON itself.
        expect(fn.Properties.Environment.Variables, name).toMatchObject({ STAGE: def.stage, FCM_SERVICE_ACCOUNT_JSON_SECRET_ID: def.fcm.secretName });
        expect(fn.Properties.Environment.Variables.FCM_SERVICE_ACCOUNT_JSON, name).toBeUndefined();
        const roleId = fn.Properties.Role["Fn::GetAtt"][0];
        const policy = JSON.stringify(
          Object.values(t.findResources("AWS::IAM::Policy") as Resources).filter(
            (p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
          ),
        );
        for (const action of ["secretsmanager:GetSecretValue", "ses:SendEmail", "dynamodb:UpdateItem", "events:PutEvents"])
          expect(policy, name).toContain(action);
        expect(policy, name).toContain(def.fcm.secretName);
        expect(policy, name).toContain(senderId);
      }
      // By reference only: no secret resource, no key material in the template.
      expect(Object.keys(t.findResources("AWS::SecretsManager::Secret"))).toEqual([]);
      expect(JSON.stringify(t.toJSON())).not.toContain("PRIVATE KEY");
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe("every service folder", () => {
  it("is deployed from the catalogue, or is one of the tools and stand-ins that are not deployed", () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
    const notDeployed = ["ops-cli", "truelayer-sandbox", "fcm-sandbox"];
    const deployed = new Set(allServices().map((svc) => svc.entry.split("/")[1]));
    const folders = readdirSync(join(root, "services")).filter((name) => existsSync(join(root, "services", name, "package.json")));
    expect(folders.filter((name) => !deployed.has(name) && !notDeployed.includes(name))).toEqual([]);
    // The app says which are not deployed, and why, in one comment.
    const app = readFileSync(join(root, "infra", "cdk", "app.ts"), "utf8");
    for (const name of notDeployed) expect(app).toContain(name);
  });
});

describe("cdk synth (the real CLI)", () => {
  it(
    "runs offline with the stage from context and writes the stage's template",
    async () => {
      // Prepare
      const infraDir = join(dirname(fileURLToPath(import.meta.url)), "..");
      const out = mkdtempSync(join(tmpdir(), "expenzez-cdk-"));
      const cdk = join(infraDir, "node_modules", ".bin", "cdk");
      try {
        // Act: no credentials and IMDS off, so any attempt to reach AWS would fail the run.
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
          const child = spawn(cdk, ["synth", "--no-notices", "--quiet", "-c", "stage=ci", "-o", out], {
            cwd: infraDir,
            env: {
              PATH: process.env.PATH,
              HOME: process.env.HOME,
              AWS_EC2_METADATA_DISABLED: "true",
              CDK_DISABLE_CLI_TELEMETRY: "true",
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            },
            stdio: ["ignore", "ignore", "pipe"],
          });
          let err = "";
          child.stderr.on("data", (d: Buffer) => {
            err += d.toString();
          });
          child.once("error", reject);
          child.once("exit", (c) => resolve({ code: c, stderr: err }));
        });
        // Assess
        expect(code, stderr).toBe(0);
        const file = join(out, "expenzez-ci.template.json");
        expect(existsSync(file)).toBe(true);
        const resources = Object.values(JSON.parse(readFileSync(file, "utf8")).Resources as Resources);
        const ciDef = stackDefinition("ci");
        expect(resources.find((r) => r.Type === "AWS::DynamoDB::Table")?.Properties.TableName).toBe(ciDef.table.name);
        expect(resources.filter((r) => r.Type === "AWS::Events::Rule").map((r) => r.Properties.Name)).toEqual(ciDef.rules.map((r) => r.name));
        // Every service of the catalogue is a function, bundled into an asset (not inline code).
        const functions = resources.filter((r) => r.Type === "AWS::Lambda::Function" && String(r.Properties.FunctionName ?? "").startsWith("expenzez-ci-"));
        expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual(
          allServices()
            .map((svc) => `expenzez-ci-${svc.name}`)
            .sort(),
        );
        for (const f of functions) expect((f.Properties.Code as Record<string, unknown>).ZipFile, String(f.Properties.FunctionName)).toBeUndefined();
        // Each bundle carries the SDK the lockfile pins and the tests ran (ADR 0003; transactWrite's
        // serializer replaces the SDK's by its middleware name, ADR 0066), not whichever version the
        // Lambda runtime happens to provide: no import of an @aws-sdk package is left for the runtime.
        const bundles = readdirSync(out)
          .filter((d) => d.startsWith("asset.") && existsSync(join(out, d, "index.mjs")))
          .map((d) => readFileSync(join(out, d, "index.mjs"), "utf8"));
        expect(bundles).toHaveLength(functions.length);
        for (const code of bundles) expect(code.match(/from\s*["']@aws-sdk\/[^"']+["']|import\(\s*["']@aws-sdk\/[^"']+["']\s*\)/g) ?? []).toEqual([]);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    SYNTH_TIMEOUT_MS,
  );
});
