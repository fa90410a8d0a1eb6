import { allServices } from "./services";
import type { QueueId, StackDefinition } from "./stack-definition";

/**
 * The alarms of a stage, declared once from the stack definition: the CDK app creates each as a
 * CloudWatch alarm whose actions (alarm and OK) notify the stage's alarm topic, and
 * `docs/operations.md` says for each what it means and what to do. Names are
 * `expenzez-<stage>-<what>[-<queue or service>]`.
 */

/** One CloudWatch metric an alarm reads. */
export interface AlarmMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: "Maximum" | "Minimum" | "Sum" | "SampleCount";
  periodSeconds: number;
}

export interface AlarmDefinition {
  name: string;
  /** What it means, for the person paged (the runbook in docs/operations.md says what to do). */
  description: string;
  /** One metric, or a metric-math expression over named metrics (ids are lower-case). */
  metric: AlarmMetric | { expression: string; label: string; metrics: Record<string, AlarmMetric> };
  /** Breaches when the value is greater than this. */
  threshold: number;
  evaluationPeriods: number;
  /** A period without data (an idle queue, no failures) is not a breach. */
  treatMissingData: "notBreaching";
}

/** The metrics namespace of `@expenzez/logger`'s EMF lines (kept here so the catalogue needs no logger). */
const EMF_NAMESPACE = "expenzez";

/**
 * How old a work queue's oldest message may get before someone looks: a sync job should start
 * within minutes of being queued (deferrals under contention are new messages, so they do not
 * age it); an event should reach its consumer within a few minutes.
 */
export const OLDEST_MESSAGE_ALARM_SECONDS: Record<QueueId, number> = {
  syncJobs: 900,
  budgetRecalc: 600,
  recurring: 600,
  alertDispatch: 600,
};

/** Handler errors per service in 5 minutes above which one cause is failing many messages. */
export const ERROR_STORM_PER_5_MINUTES = 50;
/** Share of syncs in an hour that may end without syncing (bank down or refusing) before someone looks. */
export const SYNC_FAILURE_PERCENT = 5;

/** The SNS topic every alarm notifies (subscribe the on-call rota to it). */
export function alarmTopicName(stage: string): string {
  return `expenzez-${stage}-alarms`;
}

/** Every alarm of the stage. Pure: no I/O. */
export function alarmDefinitions(def: StackDefinition): AlarmDefinition[] {
  const prefix = `expenzez-${def.stage}`;
  const sqs = (queueName: string, metricName: string): AlarmMetric => ({
    namespace: "AWS/SQS",
    metricName,
    dimensions: { QueueName: queueName },
    statistic: "Maximum",
    periodSeconds: 60,
  });
  const emf = (service: string, metricName: string, statistic: AlarmMetric["statistic"], periodSeconds: number): AlarmMetric => ({
    namespace: EMF_NAMESPACE,
    metricName,
    dimensions: { service },
    statistic,
    periodSeconds,
  });
  const queues = Object.values(def.queues);
  return [
    ...queues.map(
      (q): AlarmDefinition => ({
        name: `${prefix}-dlq-depth-${q.id}`,
        description: `${q.dlqName} holds a message: one can never succeed, or kept failing until its last receive (failure_code and failure_reason say which)`,
        metric: sqs(q.dlqName, "ApproximateNumberOfMessagesVisible"),
        threshold: 0,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
      }),
    ),
    ...queues.map(
      (q): AlarmDefinition => ({
        name: `${prefix}-oldest-message-${q.id}`,
        description: `the oldest message on ${q.name} has waited over ${OLDEST_MESSAGE_ALARM_SECONDS[q.id] / 60} minutes for 5 minutes: its consumers are down, too few, or failing`,
        metric: sqs(q.name, "ApproximateAgeOfOldestMessage"),
        threshold: OLDEST_MESSAGE_ALARM_SECONDS[q.id],
        evaluationPeriods: 5,
        treatMissingData: "notBreaching",
      }),
    ),
    // Every queue consumer of the catalogue: the runtime writes its HandlerErrors.
    ...allServices()
      .filter((s) => s.kind === "queue")
      .map(
        ({ name: service }): AlarmDefinition => ({
          name: `${prefix}-error-storm-${service}`,
          description: `${service}'s handlers threw over ${ERROR_STORM_PER_5_MINUTES} times in 5 minutes: one cause is failing many messages (an outage downstream, a bad deploy)`,
          metric: emf(service, "HandlerErrors", "Sum", 300),
          threshold: ERROR_STORM_PER_5_MINUTES,
          evaluationPeriods: 1,
          treatMissingData: "notBreaching",
        }),
      ),
    {
      name: `${prefix}-outbox-backlog`,
      description:
        "every outbox sweep for 15 minutes found committed events older than a minute still unpublished: relays keep failing, or a record can never be published",
      metric: emf("outbox-sweep", "OutboxOverdue", "Minimum", 300),
      threshold: 0,
      evaluationPeriods: 3,
      treatMissingData: "notBreaching",
    },
    {
      name: `${prefix}-sync-failures`,
      description: `over ${SYNC_FAILURE_PERCENT} % of syncs in an hour ended without syncing: a bank down or refusing, or consents lapsing`,
      metric: {
        // An hour with no sync and no failure has no value (not breaching); FILL keeps an hour of failures only at 100 %.
        expression: "100 * FILL(failures, 0) / (FILL(failures, 0) + FILL(syncs, 0))",
        label: "sync failures (% of syncs, 1 h)",
        metrics: {
          failures: emf("sync-worker", "SyncFailures", "Sum", 3600),
          syncs: emf("sync-worker", "SyncDuration", "SampleCount", 3600),
        },
      },
      threshold: SYNC_FAILURE_PERCENT,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    },
    // A connection whose sealed tokens cannot be opened, by whose fault (ADR 0073): any one is for a person.
    {
      name: `${prefix}-token-record-faults`,
      description:
        "a connection's sealed tokens can never be opened (corrupt or tampered record, its data key refused while our key works): it left the sync schedule until an operator acts",
      metric: { ...emf("sync-worker", "TokenFaults", "Sum", 300), dimensions: { service: "sync-worker", fault: "record" } },
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    },
    {
      name: `${prefix}-token-key-faults`,
      description:
        "KMS refuses our own token key (key policy, grant, key state or region): every connection's sync fails until it is fixed; they are retried hourly, nobody is parked",
      metric: { ...emf("sync-worker", "TokenFaults", "Sum", 300), dimensions: { service: "sync-worker", fault: "key" } },
      threshold: 0,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
    },
  ];
}
