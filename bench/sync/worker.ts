// The measured process: the long-polling worker runtime running the sync handler, talking to
// the emulator and the simulator through the counting proxies. Started by run.ts with an IPC
// channel: "usage" answers its CPU time and peak RSS so far, "threads" its CPU by thread,
// "profile-start" / "profile-stop" take a V8 CPU profile of the measured phase only
// (BENCH_CPU_PROF=<dir>), "stop" drains and exits. With BENCH_CPU_PHASES=1, "usage" also answers
// the CPU account by phase of its jobs (phases.ts).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { createAwsClients } from "@expenzez/aws";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { createLogger } from "@expenzez/logger";
import { createOutboxDeleteBatcher, startWorker } from "@expenzez/runtime";
import { handleSyncJob, OUTBOX_DELETE_WAIT_SECONDS, type SyncDeps } from "@expenzez/sync-worker";
import { createTrueLayerClient, type TrueLayerClient } from "@expenzez/truelayer";
import { type PhaseAccount, startPhaseAccount } from "./phases";
import { threadCpuMicros } from "./threads";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const aws = createAwsClients({ region: "eu-west-2", endpoint: env("BENCH_AWS_ENDPOINT") });
const log = createLogger("bench-sync-worker", { level: "warn" });
const db = { doc: aws.doc, tableName: env("BENCH_TABLE") };
const phases: PhaseAccount | undefined = process.env.BENCH_CPU_PHASES === "1" ? startPhaseAccount() : undefined;
if (phases) {
  // Every SDK request counted in the phase that sends it (the document client shares the DynamoDB client's stack).
  const clients = { DynamoDB: aws.dynamo, SQS: aws.sqs, EventBridge: aws.events, KMS: aws.kms };
  for (const [service, client] of Object.entries(clients))
    (client.middlewareStack as { add(m: unknown, o: unknown): void }).add(
      (next: (a: unknown) => unknown, context: { commandName?: string }) => (args: unknown) => {
        phases.request(`${service}.${(context.commandName ?? "?").replace(/Command$/, "")}`);
        return next(args);
      },
      { step: "initialize", name: "benchPhaseRequests" },
    );
}

/** The TrueLayer client with each call counted in the phase that makes it. */
function countedBankCalls(client: TrueLayerClient, account: PhaseAccount): TrueLayerClient {
  return new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        account.request(`TrueLayer.${String(key)}`);
        return value.apply(target, args);
      };
    },
  });
}

const truelayer = createTrueLayerClient({
  authBaseUrl: env("BENCH_TL_AUTH"),
  dataBaseUrl: env("BENCH_TL_DATA"),
  clientId: "sandbox-client",
  clientSecret: "sandbox-secret",
  logger: log,
});
const deps: SyncDeps = {
  db,
  repos: createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: env("BENCH_KEY") })),
  truelayer: phases ? countedBankCalls(truelayer, phases) : truelayer,
  relay: { db, events: aws.events, busName: env("BENCH_BUS"), log },
  // BENCH_OUTBOX_DELETE_SECONDS: another bound than the service's, to compare (ADR 0068).
  outboxDeletes: createOutboxDeleteBatcher({ db, log }, { maxDelayMs: Number(process.env.BENCH_OUTBOX_DELETE_SECONDS ?? OUTBOX_DELETE_WAIT_SECONDS) * 1000 }),
  log,
  workerId: `${hostname()}:${process.pid}`,
  leaseSeconds: 240,
  // The simulator's clock, fixed for the run (its users were created at it).
  now: () => new Date(env("BENCH_NOW")),
  ...(phases ? { phases: phases.enter } : {}),
};

const worker = startWorker({
  sqs: aws.sqs,
  queueUrl: env("BENCH_QUEUE"),
  dlqUrl: env("BENCH_DLQ"),
  visibilityTimeoutSeconds: 300,
  waitTimeSeconds: 1,
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 5),
  log,
  handler: phases
    ? // After the job's last phase: what the runtime does until the next job's first.
      (message, context) => handleSyncJob(message, { ...deps, log: context.log }).finally(() => phases.enter("runtime"))
    : (message, context) => handleSyncJob(message, { ...deps, log: context.log }),
});

const started = process.cpuUsage();
let profiler: Session | undefined;
process.on("message", (msg: { cmd: string; name?: string }) => (phases ? phases.bench(() => answer(msg), msg.cmd === "heap") : answer(msg)));
function answer(msg: { cmd: string; name?: string }) {
  // The relay's deletes wait up to OUTBOX_DELETE_WAIT_SECONDS to fill a batch, as in the service:
  // flushed at the end of a phase, so they are counted with the writes of the records they delete.
  if (msg.cmd === "flush") void deps.outboxDeletes?.flush().then(() => process.send?.({ flushed: true }));
  // Live heap after a full collection (--expose-gc): tells retained memory from V8's heap sizing.
  // Its own CPU is answered so the run can leave it out of the worker's figure.
  if (msg.cmd === "heap") {
    const before = process.cpuUsage();
    const threadsBefore = threadCpuMicros();
    (globalThis as { gc?: () => void }).gc?.();
    const spent = process.cpuUsage(before);
    const threadsAfter = threadCpuMicros();
    const gcThreadMicros =
      threadsBefore && threadsAfter
        ? Object.fromEntries(Object.entries(threadsAfter).map(([g, v]) => [g, v - threadsBefore[g as keyof typeof threadsBefore]]))
        : undefined;
    process.send?.({ heapUsedKb: process.memoryUsage().heapUsed / 1024, gcCpuMicros: spent.user + spent.system, gcThreadMicros });
  }
  if (msg.cmd === "usage") {
    const cpu = process.cpuUsage(started);
    const sinceStart = process.cpuUsage();
    process.send?.({
      cpuMicros: cpu.user + cpu.system,
      // The kernel's part (socket writes and reads, page faults) of the same.
      systemMicros: cpu.system,
      // From the process's start: node, tsx and module loading before `started` included.
      cpuSinceStartMicros: sinceStart.user + sinceStart.system,
      maxRssKb: process.resourceUsage().maxRSS,
      stats: worker.stats,
      ...(phases ? { phases: phases.snapshot() } : {}),
    });
  }
  if (msg.cmd === "threads") process.send?.({ threads: threadCpuMicros() });
  if (msg.cmd === "profile-start") {
    profiler = new Session();
    profiler.connect();
    void profiler
      .post("Profiler.enable")
      .then(() => profiler?.post("Profiler.setSamplingInterval", { interval: 250 }))
      .then(() => profiler?.post("Profiler.start"))
      .then(() => process.send?.({ profiling: true }));
  }
  if (msg.cmd === "profile-stop") {
    void (profiler as Session).post("Profiler.stop").then(({ profile }) => {
      const file = join(env("BENCH_CPU_PROF"), `${msg.name ?? "phase"}-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      profiler?.disconnect();
      process.send?.({ profile: file });
    });
  }
  if (msg.cmd === "stop")
    void worker
      .stop()
      .then(() => deps.outboxDeletes?.flush())
      .then(() => process.exit(0));
}
process.send?.({ ready: true });
