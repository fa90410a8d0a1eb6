import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { createAwsClients } from "@expenzez/aws";
import { SECONDARIES } from "@expenzez/categoriser";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories, keys, SK_PREFIX } from "@expenzez/db";
import type { DomainEvent } from "@expenzez/events";
import { startFcmSandbox } from "@expenzez/fcm-sandbox";
import { provision, stackDefinition } from "@expenzez/infra";
import { type CheckReport, checkInvariants } from "@expenzez/invariants";
import { freePort } from "@expenzez/local-aws";
import { createLogger } from "@expenzez/logger";
import { editTransactionCategory } from "@expenzez/recategorise";
import { createAuditTap } from "@expenzez/scripts/demo/audit";
import { startDemoAuth } from "@expenzez/scripts/demo/auth";
import { discover, waitHealthy } from "@expenzez/scripts/demo/processes";
import { type SeededUser, seedUser } from "@expenzez/scripts/demo/seed";
import { allDepths } from "@expenzez/scripts/demo/summary";
import { DEMO_SERVICES, type DemoContext } from "@expenzez/scripts/demo-services";
import { startSandbox } from "@expenzez/truelayer-sandbox";
import { readBankTruth } from "./bank-truth";
import { FAULT_KINDS, type FaultKind, startFaultDriver } from "./driver";
import { startFaultProxy } from "./fault-proxy";
import { createPrng } from "./prng";
import { superviseServices } from "./supervisor";

export interface FaultSuiteOptions {
  /** The AWS emulator (moto) the pipeline and the checks use. */
  endpoint: string;
  /** Repository root (services/ lives there). */
  root: string;
  seed: number;
  users?: number;
  /** Days of bank history per user. */
  days?: number;
  /**
   * How long faults are injected; with `targetFaults`, the longest they are (the phase ends
   * as soon as that many were injected).
   */
  faultSeconds?: number;
  /**
   * Ends the fault phase once this many faults were injected: the loops' rate follows the
   * machine's speed, so a count reached by time alone would depend on the load.
   */
  targetFaults?: number;
  /** How long the pipeline may take to drain once the faults stop. */
  drainSeconds?: number;
  /** Chance per relay that a worker dies between its commit and the relay. */
  crashProbability?: number;
  /** Fault rate multiplier (1: the CI size's rate). */
  intensity?: number;
  logDir: string;
  say?: (line: string) => void;
  stage?: string;
  region?: string;
}

export interface FaultReport {
  seed: number;
  replay: string;
  seconds: { faults: number; drain: number; total: number };
  users: number;
  faults: { total: number; byKind: Record<FaultKind, number>; target?: number };
  /** Failures the bank simulator actually served, by HTTP status. */
  bankErrorsServed: Record<string, number>;
  network: { connections: number; droppedBeforeForward: number; droppedAfterForward: number; delayedChunks: number };
  processes: { restarts: number; unexpectedExits: string[] };
  /** Jobs sent (driver, refresh-now, final round) and how many of them announced changes (a job that found nothing new announces nothing). */
  jobs: { sent: number; announcedChanges: number; categoryEdits: number };
  duplicates: { injected: number; absorbedByService: Record<string, number> };
  deadLettered: { total: number; byQueue: Record<string, number>; byReason: Record<string, number> };
  /** Transactions the bank serves that are not stored, plus events committed and never published. Must be 0. */
  lost: number;
  drained: boolean;
  /** What was still in flight when the checks ran (all 0 when drained). */
  leftAtEnd: { workQueues: Record<string, number>; outbox: number; finalJobsNotDone: number };
  invariants: { ok: boolean; checked: CheckReport["checked"]; violations: CheckReport["violations"]; totals: CheckReport["totals"] };
  /** Errors inside the driver itself (a fault it could not inject), by loop. */
  driverErrors: Record<string, number>;
}

const KILLABLE = new Set(["sync-worker", "budget-recalc", "recurring-detector", "alert-dispatch"]);

/**
 * The fault-injection run (docs/faults.md): the whole pipeline as separate processes on the
 * emulator and the TrueLayer simulator, a seeded driver injecting faults for `faultSeconds`,
 * then no faults, a drain, one clean sync per connection, and every invariant checked by
 * @expenzez/invariants against the table, the bank, the bus and the push stand-in.
 */
export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultReport> {
  const started = Date.now();
  const say = options.say ?? ((line: string) => console.log(line));
  const stage = options.stage ?? "local";
  const region = options.region ?? "eu-west-2";
  const users = options.users ?? 6;
  const faultMs = (options.faultSeconds ?? 90) * 1000;
  const drainMs = (options.drainSeconds ?? 150) * 1000;
  const random = createPrng(options.seed);
  mkdirSync(options.logDir, { recursive: true });

  const aws = createAwsClients({ region, endpoint: options.endpoint });
  // The stage as deployed: a killed long-polling worker's messages return within its own 30 s
  // visibility (`workerVisibility`), whatever the queue's timeout (sized for a Lambda's run).
  const def = stackDefinition(stage);
  const { handles } = await provision(aws, def);
  const db = { doc: aws.doc, tableName: handles.tableName };
  const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: handles.keyId }));
  const log = createLogger("fault-suite", { level: "warn" });

  const proxy = await startFaultProxy(options.endpoint, random.fork("proxy"));
  const seenEvents: DomainEvent[] = [];
  const correlationIds = new Set<string>();
  const audit = await createAuditTap(aws, handles.busName, stage, {
    onEvent: (e) => {
      seenEvents.push({ source: e.source, detailType: e.detailType, detail: e.detail } as DomainEvent);
      if (seenEvents.length > 300) seenEvents.shift();
      if (e.detail.correlationId) correlationIds.add(e.detail.correlationId);
    },
  });

  // The simulator's clock is real time until the faults stop, then frozen: the final syncs and
  // the bank truth the checker reads see the same bank.
  let frozenAt: number | undefined;
  const bankErrorsServed: Record<string, number> = {};
  const sandboxLog = createLogger("truelayer-sandbox", {
    level: "debug",
    destination: {
      write(line: string) {
        const status = (JSON.parse(line) as { status?: number }).status;
        if (typeof status === "number" && (status === 429 || status >= 500)) bankErrorsServed[String(status)] = (bankErrorsServed[String(status)] ?? 0) + 1;
      },
    },
  });
  const sandbox = await startSandbox({
    seed: `faults-${options.seed}`,
    config: { sign_webhooks: true, defaults: { unattended_limit: null } },
    now: () => frozenAt ?? Date.now(),
    logger: sandboxLog,
  });
  const fcm = await startFcmSandbox({});
  const fcmKeyFile = join(options.logDir, "fcm-service-account.json");
  writeFileSync(`${fcmKeyFile}.tmp`, JSON.stringify(fcm.serviceAccount), { mode: 0o600 });
  renameSync(`${fcmKeyFile}.tmp`, fcmKeyFile);
  const auth = await startDemoAuth();

  const cleanups: (() => Promise<unknown>)[] = [() => sandbox.stop(), () => fcm.stop(), () => auth.stop(), () => proxy.stop()];
  let supervisor: ReturnType<typeof superviseServices> | undefined;
  try {
    const now = new Date();
    const seeded: SeededUser[] = [];
    for (let i = 0; i < users; i++) seeded.push(await seedUser(repos, sandbox.admin, i, { days: options.days ?? 30, now, due: true }));
    const secrets = new Map<string, string[]>();
    for (const u of seeded) {
      const c = await repos.connections.get(u.userId, u.connectionId);
      secrets.set(u.userId, c ? [c.accessToken, c.refreshToken] : []);
    }
    say(`  seeded ${users} users (${options.days ?? 30} days of history each)`);

    const ctx: DemoContext = {
      common: { STAGE: stage, AWS_REGION: region, AWS_ENDPOINT_URL: proxy.url, LOG_LEVEL: "info" },
      truelayer: {
        authUrl: sandbox.authUrl,
        dataUrl: sandbox.dataUrl,
        clientId: "sandbox-client",
        clientSecret: "sandbox-secret",
        jwksUrl: `${sandbox.url}/.well-known/jwks`,
      },
      auth: { jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience },
      webhook: { port: await freePort(), resultsSecret: randomBytes(24).toString("base64url") },
      fcm: { port: 0, url: fcm.url, keyFile: fcmKeyFile },
    };
    // The FCM stand-in runs in this process, so its record of pushes is the checker's evidence.
    const { present } = discover(
      options.root,
      DEMO_SERVICES.filter((s) => s.name !== "fcm-sandbox"),
    );
    const crash = String(options.crashProbability ?? 0.05);
    // Crash points are a fault like the others: on while the faults run, off for the drain.
    let crashPoints = true;
    supervisor = superviseServices(options.root, present, ctx, options.logDir, (s) => ({
      ...(crashPoints && KILLABLE.has(s.name) ? { EXPENZEZ_CRASH_POINTS: `before-relay:${crash}` } : {}),
      SYNC_LEASE_SECONDS: "15",
      SCHEDULER_INTERVAL_SECONDS: "2",
      OUTBOX_SWEEP_EVERY_SECONDS: "3",
      OUTBOX_SWEEP_MIN_AGE_SECONDS: "5",
      // Well under the sweep's age, as in production (ADR 0068).
      SYNC_OUTBOX_DELETE_SECONDS: "1",
    }));
    const sup = supervisor;
    cleanups.unshift(() => sup.stop());
    await waitHealthy(
      present.flatMap((s) => (s.healthUrl ? [s.healthUrl(ctx)] : [])),
      [],
    );
    say(`  ${sup.names().length} service processes: ${sup.names().join(", ")}`);

    const webhookUrl = `http://127.0.0.1:${ctx.webhook.port}`;
    for (const u of seeded) {
      await fetch(`${webhookUrl}/v1/connections/${u.connectionId}/refresh`, {
        method: "POST",
        headers: { Authorization: `Bearer ${await auth.token(u.userId)}` },
      }).catch(() => undefined);
    }

    const byUser = new Map(seeded.map((u) => [u.userId, u]));
    let jobN = 0;
    const sendJob = async (userId: string, jobId = `fault-${options.seed}-${++jobN}`): Promise<string> => {
      const u = byUser.get(userId) as SeededUser;
      const requestedAt = new Date().toISOString();
      await aws.sqs.send(
        new SendMessageCommand({
          QueueUrl: handles.queues.syncJobs.url,
          MessageBody: JSON.stringify({ jobId, userId, connectionId: u.connectionId, reason: "webhook", requestedAt }),
        }),
      );
      return requestedAt;
    };

    const edits = new Map<string, { userId: string; transactionId: string; primary: string }>();
    const editRandom = random.fork("edit-choice");
    const budgetSecondaries = SECONDARIES.filter((s) => /^(groceries|food_and_drink|transport)\//.test(s));
    const recatDeps = { db, repos, relay: { db, events: aws.events, busName: handles.busName, log }, log };
    const editCategory = async (userId: string): Promise<boolean> => {
      const page = await aws.doc.send(
        new QueryCommand({
          TableName: handles.tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :tx)",
          ExpressionAttributeValues: { ":pk": keys.profile(userId).PK, ":tx": SK_PREFIX.transaction },
          Limit: 60,
        }),
      );
      const booked = (page.Items ?? []).filter((i) => i.status === "booked");
      if (booked.length === 0) return false;
      const transactionId = String(editRandom.pick(booked).SK).slice(SK_PREFIX.transaction.length);
      const secondary = editRandom.pick(budgetSecondaries);
      await editTransactionCategory(recatDeps, { userId, transactionId, secondary, correlationId: `fault-edit-${options.seed}` });
      edits.set(`${userId}|${transactionId}`, { userId, transactionId, primary: secondary.split("/")[0] as string });
      return true;
    };

    // Version snapshots while the faults run: a version that goes down is a lost write.
    let versions: Map<string, number> | undefined;
    const versionRegressions: CheckReport["violations"] = [];
    const snapshot = async () => {
      const r = await checkInvariants({ table: db, users: seeded.map((u) => ({ userId: u.userId })), ...(versions ? { previousVersions: versions } : {}) });
      versionRegressions.push(...r.violations.filter((v) => v.invariant === "balances" && v.message.includes(" back to ")));
      versions = r.versions;
    };

    const driverErrors: Record<string, number> = {};
    const driver = startFaultDriver({
      random: random.fork("driver"),
      supervisor: sup,
      killable: sup.names().filter((n) => KILLABLE.has(n.split("#")[0] as string)),
      sqs: aws.sqs,
      queues: Object.entries(handles.queues).map(([id, q]) => ({ id, url: q.url })),
      events: aws.events,
      busName: handles.busName,
      seenEvents: () => seenEvents,
      bank: sandbox.admin,
      bankUsers: seeded.map((u) => u.userId),
      proxy,
      sendJob: async (userId) => void (await sendJob(userId)),
      editCategory,
      intensity: options.intensity ?? 1,
      onError: (kind, err) => {
        const key = `${kind}: ${err instanceof Error ? err.name : "error"}`;
        driverErrors[key] = (driverErrors[key] ?? 0) + 1;
      },
    });
    const target = options.targetFaults;
    say(`  injecting faults ${target ? `until ${target} are in (at most ${faultMs / 1000} s)` : `for ${faultMs / 1000} s`} (seed ${options.seed})`);
    const faultEnd = Date.now() + faultMs;
    const injected = () => Object.values(driver.counts()).reduce((a, b) => a + b, 0);
    // The audit tap and the version snapshots run beside the faults: a snapshot can take seconds
    // on a loaded machine, and the count target is watched more often than that.
    let faulting = true;
    const watching = (async () => {
      let lastSnapshot = Date.now();
      while (faulting) {
        await sleep(1000);
        await audit.drain().catch(() => undefined);
        if (faulting && Date.now() - lastSnapshot > 15_000) {
          await snapshot().catch(() => undefined);
          lastSnapshot = Date.now();
        }
      }
    })();
    while (Date.now() < faultEnd && !(target !== undefined && injected() >= target)) await sleep(200);
    faulting = false;
    await driver.stop();
    await watching;
    // A process started with crash points would go on killing itself after 5 % of its relays
    // through the drain (each death hides its in-flight messages for 30 s): every one is asked to
    // stop, finishing its work, and comes back without them.
    crashPoints = false;
    for (const name of sup.names()) if (KILLABLE.has(name.split("#")[0] as string)) sup.recycle(name);
    frozenAt = Date.now();
    const faultsDone = Date.now();
    say(`  faults stopped: ${JSON.stringify(driver.counts())}`);

    // Drain: every process up, every work queue and the outbox empty, then one clean sync per
    // connection (as a real "sync again" would), then drained again.
    const drainDeadline = Date.now() + drainMs;
    let drained = await waitDrained(() => sup.allRunning(), drainDeadline);
    const since = () => `${Math.round((Date.now() - faultsDone) / 1000)} s after the faults stopped`;
    say(`  queues and outbox ${drained ? "empty" : "NOT empty"} ${since()}; final syncs sent`);
    const finalJobs = new Map(seeded.map((u) => [u.userId, `final-${options.seed}-${u.userId}`]));
    const finalRequestedAt = new Map<string, string>();
    for (const [userId, jobId] of finalJobs) finalRequestedAt.set(userId, await sendJob(userId, jobId));
    let completedFinal = false;
    let finalNotDone = seeded.length;
    while (Date.now() < drainDeadline) {
      await sleep(1000);
      await audit.drain();
      let done = 0;
      for (const u of seeded) {
        const { Item } = await aws.doc.send(
          new GetCommand({ TableName: handles.tableName, Key: keys.connection(u.userId, u.connectionId), ConsistentRead: true }),
        );
        // Its own run, or one that started after it was requested and completed (the worker then
        // acknowledges the final job as covered: docs/sync-worker.md).
        const ownRun = (Item?.recentJobIds as string[] | undefined)?.includes(finalJobs.get(u.userId) as string);
        const covered = typeof Item?.lastSyncAt === "string" && Date.parse(Item.lastSyncAt) >= Date.parse(finalRequestedAt.get(u.userId) as string);
        if (ownRun || covered) done++;
      }
      finalNotDone = seeded.length - done;
      if (done === seeded.length) {
        completedFinal = true;
        break;
      }
    }
    say(`  final syncs ${completedFinal ? "done" : `NOT done (${finalNotDone} left)`} ${since()}`);
    drained = completedFinal && (await waitDrained(() => sup.allRunning(), drainDeadline));
    await audit.drain();
    const drainDone = Date.now();
    say(`  ${drained ? "drained" : "did NOT drain"} ${Math.round((drainDone - faultsDone) / 1000)} s after the faults stopped`);

    const dead = await readDeadLetters(aws.sqs, handles);
    const leftAtEnd = { workQueues: (await allDepths(aws.sqs, handles)).work, outbox: await outboxCount(), finalJobsNotDone: finalNotDone };
    const report = await checkInvariants({
      table: db,
      users: await Promise.all(
        seeded.map(async (u) => ({
          userId: u.userId,
          bank: await readBankTruth(sandbox, u.userId),
          userCategories: [...edits.values()].filter((e) => e.userId === u.userId),
          secrets: secrets.get(u.userId) ?? [],
        })),
      ),
      announced: { syncedConnections: audit.connectionsSynced, correlationIds },
      pushes: fcm.delivered().map((m) => ({ ...(m.token ? { token: m.token } : {}), ...(m.data ? { data: m.data } : {}) })),
      ...(versions ? { previousVersions: versions } : {}),
      logFiles: sup.logs(),
    });
    const violations = [...versionRegressions, ...report.violations];
    const counts = driver.counts();
    const byKind = Object.fromEntries(FAULT_KINDS.map((k) => [k, counts[k]])) as Record<FaultKind, number>;
    const sc = sup.counts();
    const completed = [...correlationIds].filter((c) => c.startsWith(`fault-${options.seed}-`) || c.startsWith(`final-${options.seed}-`)).length;
    return {
      seed: options.seed,
      replay: `FAULT_SEED=${options.seed}`,
      seconds: {
        faults: Math.round((faultsDone - started) / 1000),
        drain: Math.round((drainDone - faultsDone) / 1000),
        total: Math.round((Date.now() - started) / 1000),
      },
      users,
      faults: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, ...(target !== undefined ? { target } : {}) },
      bankErrorsServed,
      network: proxy.stats(),
      processes: { restarts: sc.restarts, unexpectedExits: sc.unexpectedExits },
      jobs: { sent: driver.jobsSent() + finalJobs.size + seeded.length, announcedChanges: completed, categoryEdits: driver.categoryEdits() },
      duplicates: { injected: byKind.sqs_duplicate + byKind.eventbridge_duplicate, absorbedByService: countAbsorbed(sup.logs()) },
      deadLettered: dead,
      lost: report.totals.lostTransactions + report.totals.outboxLeft,
      drained,
      leftAtEnd,
      invariants: { ok: violations.length === 0, checked: report.checked, violations, totals: report.totals },
      driverErrors,
    };

    async function waitDrained(up: () => boolean, deadline: number): Promise<boolean> {
      let quiet = 0;
      while (Date.now() < deadline) {
        await sleep(1000);
        await audit.drain();
        const depths = await allDepths(aws.sqs, handles);
        const outbox = await outboxCount();
        const idle = up() && Object.values(depths.work).every((v) => v === 0) && outbox === 0;
        quiet = idle ? quiet + 1 : 0;
        if (quiet >= 3) return true;
      }
      return false;
    }
    async function outboxCount(): Promise<number> {
      const r = await checkInvariants({ table: db, users: [] });
      return r.totals.outboxLeft;
    }
  } finally {
    for (const c of cleanups) await Promise.race([c().catch(() => undefined), sleep(20_000)]);
  }
}

/** "Nothing to do, seen it" lines per service log: what each absorbed of the duplicates. */
function countAbsorbed(logs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  const absorbed = /this job already completed|event handled before|already (handled|processed|recorded|delivered)|replayed/i;
  for (const file of logs) {
    let n = 0;
    for (const line of readFileSync(file, "utf8").split("\n")) if (absorbed.test(line)) n++;
    const name = file.replace(/^.*\//, "").replace(/\.log$/, "");
    out[name] = n;
  }
  return out;
}

/** Every message in every DLQ, by queue and by the runtime's `failure_code` (left in place). */
async function readDeadLetters(
  sqs: ReturnType<typeof createAwsClients>["sqs"],
  handles: { queues: Record<string, { dlqUrl: string }> },
): Promise<FaultReport["deadLettered"]> {
  const byQueue: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  let total = 0;
  for (const [id, q] of Object.entries(handles.queues)) {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    byQueue[id] = Number(Attributes.ApproximateNumberOfMessages ?? 0);
    total += byQueue[id];
    const seen = new Set<string>();
    for (let round = 0; round < 20 && seen.size < byQueue[id]; round++) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 }),
      );
      if (Messages.length === 0) break;
      for (const m of Messages as Message[]) {
        if (seen.has(m.MessageId as string)) continue;
        seen.add(m.MessageId as string);
        const code = m.MessageAttributes?.failure_code?.StringValue ?? "no failure_code (moved by SQS: its worker died on the last receive)";
        const key = `${id}: ${code}`;
        byReason[key] = (byReason[key] ?? 0) + 1;
      }
    }
  }
  return { total, byQueue, byReason };
}
