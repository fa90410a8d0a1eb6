import { type AlarmMetric, alarmDefinitions, alarmTopicName, type QueueId, type ServiceDefinition, type StackDefinition } from "@expenzez/resources";
import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cloudwatchActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as kms from "aws-cdk-lib/aws-kms";
import * as ses from "aws-cdk-lib/aws-ses";
import * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ServiceFunction, type ServiceFunctionOptions } from "./service-functions";

export interface ExpenzezStackProps extends StackProps {
  /** The one resource definition (@expenzez/resources, shared/resources/src/stack-definition.ts) for the stage being deployed. */
  def: StackDefinition;
}

/**
 * The pipeline's AWS resources, built from the same `stackDefinition(stage)` that the local
 * provisioner deploys to moto/LocalStack. No names or settings are written here.
 */
export class ExpenzezStack extends Stack {
  readonly def: StackDefinition;
  readonly key: kms.Key;
  readonly table: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly queues: Record<QueueId, { queue: sqs.Queue; dlq: sqs.Queue }>;
  readonly rules: events.Rule[];
  /** The alert sender (SES verifies it by email on first deploy; the provisioner does it on emulators). */
  readonly sender: ses.EmailIdentity;
  /** Every alarm of the catalogue notifies this topic, when it fires and when it clears. */
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ExpenzezStackProps) {
    super(scope, id, props);
    const { def } = props;
    this.def = def;

    // Keys and the table outlive a stack deletion: losing them loses every user's data.
    this.key = new kms.Key(this, "DataKey", {
      alias: def.key.alias,
      description: def.key.description,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, "Table", {
      tableName: def.table.name,
      partitionKey: { name: def.table.keys.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: def.table.keys.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Not the data key: a grant on the table would then let every service open sealed tokens.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: def.table.pointInTimeRecovery },
      timeToLiveAttribute: def.table.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of Object.values(def.table.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const queues = {} as ExpenzezStack["queues"];
    for (const q of Object.values(def.queues)) {
      const dlq = new sqs.Queue(this, `${q.id}Dlq`, {
        queueName: q.dlqName,
        retentionPeriod: Duration.seconds(q.dlqRetentionSeconds),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(this, `${q.id}Queue`, {
        queueName: q.name,
        visibilityTimeout: Duration.seconds(q.visibilityTimeoutSeconds),
        retentionPeriod: Duration.seconds(q.retentionSeconds),
        receiveMessageWaitTime: Duration.seconds(q.receiveWaitTimeSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: q.maxReceiveCount },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      queues[q.id] = { queue, dlq };
    }
    this.queues = queues;

    this.bus = new events.EventBus(this, "Bus", { eventBusName: def.bus.name });

    // SqsQueue adds the queue policy that lets events.amazonaws.com send from this rule only, and
    // the same on the DLQ: an event EventBridge cannot deliver (a broken queue policy, a deleted
    // queue) would be dropped after its 24 h of retries, and its outbox record is already gone.
    // In the consumer's DLQ it raises that DLQ's alarm and `dlq redrive` moves it to the queue.
    this.rules = def.rules.map(
      (rule) =>
        new events.Rule(this, `Rule-${rule.target}`, {
          ruleName: rule.name,
          description: rule.description,
          eventBus: this.bus,
          eventPattern: { source: rule.eventPattern.source, detailType: rule.eventPattern["detail-type"] },
          targets: [new targets.SqsQueue(queues[rule.target].queue, { deadLetterQueue: queues[rule.target].dlq })],
        }),
    );

    this.sender = new ses.EmailIdentity(this, "AlertSender", { identity: ses.Identity.email(def.email.sender) });

    // The alarms come from the catalogue (@expenzez/resources alarms.ts); docs/operations.md is their runbook.
    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { topicName: alarmTopicName(def.stage), enforceSSL: true });
    const notify = new cloudwatchActions.SnsAction(this.alarmTopic);
    this.alarms = alarmDefinitions(def).map((a) => {
      const alarm = new cloudwatch.Alarm(this, `Alarm-${a.name}`, {
        alarmName: a.name,
        alarmDescription: a.description,
        metric:
          "expression" in a.metric
            ? new cloudwatch.MathExpression({
                expression: a.metric.expression,
                label: a.metric.label,
                usingMetrics: Object.fromEntries(Object.entries(a.metric.metrics).map(([id, m]) => [id, metricOf(m)])),
                period: Duration.seconds(Object.values(a.metric.metrics)[0]?.periodSeconds ?? 300),
              })
            : metricOf(a.metric),
        threshold: a.threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: a.evaluationPeriods,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      return alarm;
    });
  }

  /** Deploys the catalogue's services (one Lambda each) with the grants they declare. */
  addServices(services: readonly ServiceDefinition[], options: ServiceFunctionOptions = {}): Record<string, ServiceFunction> {
    const fns: Record<string, ServiceFunction> = Object.fromEntries(services.map((service) => [service.name, new ServiceFunction(this, service, options)]));
    // Variables naming another service's URL, now that every function (and its URL) exists.
    for (const service of services) {
      for (const [variable, source] of Object.entries(service.env ?? {})) {
        if (!("urlOf" in source)) continue;
        const target = fns[source.urlOf]?.url;
        if (!target) throw new Error(`${service.name}: ${variable} names ${source.urlOf}, which is not an http service deployed with it`);
        fns[service.name]?.fn.addEnvironment(variable, `${target.url}${source.path}`);
      }
    }
    return fns;
  }
}

function metricOf(m: AlarmMetric): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: m.namespace,
    metricName: m.metricName,
    dimensionsMap: m.dimensions,
    statistic: m.statistic,
    period: Duration.seconds(m.periodSeconds),
  });
}
