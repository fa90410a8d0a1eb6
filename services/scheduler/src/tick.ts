import { randomUUID } from "node:crypto";
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type ConnectionRepository, type Db, type DueConnection, type OutboxRecord, SYNC_SHARDS } from "@expenzez/db";
import { type SyncJob, syncJobSchema } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import { type RelayDeps, relayOutboxRecords } from "@expenzez/runtime";
import pLimit from "p-limit";
import { announceConsentExpiring } from "./consent";
import { consentWarningDue, DEFAULT_POLICY, decide, type SchedulePolicy } from "./plan";

/** Everything one tick touches; both runtimes (local task loop, scheduled Lambda) build one. */
export interface SchedulerDeps {
  db: Db;
  connections: Pick<ConnectionRepository, "listDue" | "moveDue">;
  sqs: SQSClient;
  queueUrl: string;
  relay: RelayDeps;
  log: Logger;
  /** Stop enqueuing while the sync-jobs queue holds more than this many messages. */
  maxQueueDepth: number;
  /** Shards read at once, and connections handled at once within a tick. */
  shardConcurrency?: number;
  connectionConcurrency?: number;
  /** GSI4 page size. */
  pageSize?: number;
  /** Most connections one tick claims (the rest wait for the next tick). */
  maxPerTick?: number;
  policy?: SchedulePolicy;
  /** Counts for dashboards (CloudWatch metric, test spy); the log carries them too. */
  metric?: (name: string, value: number) => void;
  now?: () => Date;
  random?: () => number;
  /** SendMessageBatch attempts for an entry SQS refused. */
  sendAttempts?: number;
}

/** What one tick did; logged, and returned for tests and the demo. */
export interface TickReport {
  tickId: string;
  scanned: number;
  enqueued: number;
  /** Another scheduler (or a sync) moved the slot first. */
  lostClaims: number;
  deferredPsd2: number;
  deferredBackoff: number;
  leaseHeld: number;
  stuck: number;
  staleLeases: number;
  consentWarnings: number;
  /** Jobs SQS never took: their claims were handed back. */
  notSent: number;
  /** Due connections whose item fails its schema: logged by key and left due, the others queued. */
  invalid: number;
  /** True when the queue was too deep to add to. */
  backPressure: boolean;
  queueDepth: number;
}

/**
 * One scheduler tick: read due connections from the 16 GSI4 shards, announce consent warnings,
 * claim each slot with a conditional update (so two schedulers never queue one connection twice
 * for one slot) and send the jobs 10 a call. A claimed entry SQS never takes has its claim undone.
 */
export async function runTick(deps: SchedulerDeps): Promise<TickReport> {
  const now = (deps.now ?? (() => new Date()))();
  const policy = deps.policy ?? DEFAULT_POLICY;
  const random = deps.random ?? Math.random;
  const tickId = randomUUID();
  const log = deps.log.child({ tickId });
  const report: TickReport = {
    tickId,
    scanned: 0,
    enqueued: 0,
    lostClaims: 0,
    deferredPsd2: 0,
    deferredBackoff: 0,
    leaseHeld: 0,
    stuck: 0,
    staleLeases: 0,
    consentWarnings: 0,
    notSent: 0,
    invalid: 0,
    backPressure: false,
    queueDepth: 0,
  };

  report.queueDepth = await queueDepth(deps.sqs, deps.queueUrl);
  if (report.queueDepth > deps.maxQueueDepth) {
    report.backPressure = true;
    log.warn({ queueDepth: report.queueDepth, maxQueueDepth: deps.maxQueueDepth }, "sync-jobs queue too deep: enqueuing nothing this tick");
    deps.metric?.("SchedulerBackPressure", 1);
    return report;
  }
  const budget = Math.min(deps.maxPerTick ?? 5000, deps.maxQueueDepth - report.queueDepth);

  const claimed: { due: DueConnection; job: SyncJob; claimUntil: string }[] = [];
  const records: OutboxRecord[] = [];
  const perConnection = pLimit(deps.connectionConcurrency ?? 16);
  const perShard = pLimit(deps.shardConcurrency ?? 4);

  async function handle(due: DueConnection): Promise<void> {
    report.scanned++;
    const warning = consentWarningDue(due, now);
    if (warning) {
      const record = await announceConsentExpiring(deps.db, due, warning, now);
      if (record) {
        records.push(record);
        report.consentWarnings++;
      }
    }
    const decision = decide(due, now, policy, random);
    if (decision.action === "skip") {
      report.leaseHeld++;
      return;
    }
    if (decision.action === "defer") {
      if (await deps.connections.moveDue(due.userId, due.connectionId, due.nextSyncAt, decision.until.toISOString())) {
        if (decision.why === "psd2_limit") report.deferredPsd2++;
        else report.deferredBackoff++;
      } else report.lostClaims++;
      return;
    }
    if (claimed.length >= budget) return;
    const claimUntil = decision.claimUntil.toISOString();
    if (!(await deps.connections.moveDue(due.userId, due.connectionId, due.nextSyncAt, claimUntil))) {
      report.lostClaims++;
      return;
    }
    if (decision.stuck) {
      report.stuck++;
      log.warn({ userId: due.userId, connectionId: due.connectionId, dueSince: due.nextSyncAt }, "connection due for over a day: queued again");
    }
    if (decision.staleLease) {
      report.staleLeases++;
      log.warn({ userId: due.userId, connectionId: due.connectionId, leaseUntil: due.schedule.leaseUntil }, "stale sync lease: queued again");
    }
    claimed.push({
      due,
      claimUntil,
      job: {
        jobId: randomUUID(),
        userId: due.userId,
        connectionId: due.connectionId,
        reason: "scheduled",
        requestedAt: now.toISOString(),
        correlationId: tickId,
      },
    });
  }

  await Promise.all(
    Array.from({ length: SYNC_SHARDS }, (_, shard) =>
      perShard(async () => {
        let cursor: string | undefined;
        do {
          const page = await deps.connections.listDue(shard, now.toISOString(), { limit: deps.pageSize ?? 100, cursor });
          for (const bad of page.invalid) {
            report.invalid++;
            log.error({ key: bad.key, err: bad.error }, "due connection fails its schema: left due, not queued");
          }
          await Promise.all(page.items.map((due) => perConnection(() => handle(due))));
          cursor = claimed.length >= budget ? undefined : page.cursor;
        } while (cursor);
      }),
    ),
  );

  const unsent = await sendJobs(deps, claimed, log);
  report.enqueued = claimed.length - unsent.length;
  report.notSent = unsent.length;
  // Hand the slot back, so the next tick queues it at once rather than after the claim lapses.
  await Promise.all(unsent.map((c) => deps.connections.moveDue(c.due.userId, c.due.connectionId, c.claimUntil, c.due.nextSyncAt).catch(() => false)));

  if (records.length > 0) {
    await relayOutboxRecords(deps.relay, records).catch((err: unknown) => log.warn({ err }, "consent warning relay failed; the outbox sweep will publish"));
  }
  for (const [name, value] of [
    ["SchedulerEnqueued", report.enqueued],
    ["SchedulerLostClaims", report.lostClaims],
    ["SchedulerStuckConnections", report.stuck],
    ["SchedulerStaleLeases", report.staleLeases],
    ["SchedulerJobsNotSent", report.notSent],
  ] as const)
    deps.metric?.(name, value);
  log.info(report, "scheduler tick");
  return report;
}

/** SendMessageBatch, 10 a call; refused entries retried; returns the ones never sent. */
async function sendJobs<T extends { job: SyncJob }>(deps: SchedulerDeps, claimed: T[], log: Logger): Promise<T[]> {
  const unsent: T[] = [];
  for (let i = 0; i < claimed.length; i += 10) {
    let pending = claimed.slice(i, i + 10);
    for (let attempt = 1; pending.length > 0 && attempt <= (deps.sendAttempts ?? 3); attempt++) {
      try {
        const result = await deps.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: deps.queueUrl,
            Entries: pending.map((c, n) => ({
              Id: String(n),
              MessageBody: JSON.stringify(syncJobSchema.parse(c.job)),
              MessageAttributes: { correlationId: { DataType: "String", StringValue: c.job.correlationId ?? c.job.jobId } },
            })),
          }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => Number(f.Id)));
        if (failed.size > 0) log.warn({ failed: result.Failed, attempt }, "SQS refused some sync jobs");
        pending = pending.filter((_, n) => failed.has(n));
      } catch (err) {
        log.warn({ err, attempt, entries: pending.length }, "SendMessageBatch failed");
      }
    }
    unsent.push(...pending);
  }
  return unsent;
}

async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
}
