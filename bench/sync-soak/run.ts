/**
 * Soak of the sync worker: many small syncs for a bounded time, the worker's resident set
 * sampled from /proc while it runs. The measured process is bench/sync's worker (the real
 * long-polling runtime and sync handler), forked unchanged; the emulator and the TrueLayer
 * simulator run here. Reports RSS growth after warm-up (target: flat).
 *
 *   pnpm --filter @expenzez/bench run bench:sync-soak
 *   BENCH_SOAK_SECONDS=600 BENCH_SOAK_USERS=20 pnpm --filter @expenzez/bench run bench:sync-soak
 *
 * Writes bench/results/sync-soak.json and bench/results/sync-soak.md.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { provisionLocalStack } from "@expenzez/infra";
import { startMoto } from "@expenzez/local-aws";
import { startSandbox } from "@expenzez/truelayer-sandbox";

const here = dirname(fileURLToPath(import.meta.url));
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIZE = {
  seconds: num("BENCH_SOAK_SECONDS", 120),
  warmupSeconds: num("BENCH_SOAK_WARMUP_SECONDS", 20),
  users: num("BENCH_SOAK_USERS", 10),
  days: num("BENCH_SOAK_DAYS", 14),
  concurrency: num("BENCH_CONCURRENCY", 5),
  sampleMs: num("BENCH_SOAK_SAMPLE_MS", 1000),
};
const NOW = new Date("2026-11-20T12:00:00Z");
const PSU_IP = "203.0.113.7";

interface Usage {
  cpuMicros: number;
  maxRssKb: number;
  stats: { done: number; retried: number; deadLettered: number };
}

const moto = await startMoto({ quiet: true });
const stack = await provisionLocalStack(moto.endpoint);
const { handles } = stack;
const db = { doc: stack.aws.doc, tableName: handles.tableName };
const repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: handles.keyId }));
const sandbox = await startSandbox({ seed: "bench-sync-soak", now: NOW });

const connections: { userId: string; connectionId: string }[] = [];
for (let i = 0; i < SIZE.users; i++) {
  const user = await sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: SIZE.days, scenario: { unattended_limit: null } });
  const c = await repos.connections.create({
    userId: `u-${user.user_id}`,
    connectionId: `conn-${user.user_id}`,
    providerId: "mock",
    status: "active",
    accessToken: user.tokens.access_token,
    refreshToken: user.tokens.refresh_token as string,
    tokenExpiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    consentExpiresAt: user.consent_expires_at,
    nextSyncAt: NOW.toISOString(),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  });
  connections.push({ userId: c.userId, connectionId: c.connectionId });
}

// bench/sync's measured worker process, unchanged (its IPC: "usage", "stop").
const child: ChildProcess = fork(join(here, "..", "sync", "worker.ts"), {
  execArgv: ["--import", "tsx"],
  env: {
    ...process.env,
    BENCH_AWS_ENDPOINT: moto.endpoint,
    BENCH_TL_AUTH: sandbox.authUrl,
    BENCH_TL_DATA: sandbox.dataUrl,
    BENCH_TABLE: handles.tableName,
    BENCH_KEY: handles.keyId,
    BENCH_BUS: handles.busName,
    BENCH_QUEUE: handles.queues.syncJobs.url,
    BENCH_DLQ: handles.queues.syncJobs.dlqUrl,
    BENCH_NOW: NOW.toISOString(),
    BENCH_CONCURRENCY: String(SIZE.concurrency),
  },
  stdio: ["ignore", "inherit", "inherit", "ipc"],
});
await new Promise((r) => child.once("message", r));
const usage = () =>
  new Promise<Usage>((resolve) => {
    child.once("message", (m) => resolve(m as Usage));
    child.send({ cmd: "usage" });
  });

/** The worker's resident set now (not its peak), from /proc. */
function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
}

let jobSeq = 0;
async function enqueueRound(): Promise<number> {
  for (let i = 0; i < connections.length; i += 10) {
    const entries = connections.slice(i, i + 10).map((c) => {
      jobSeq++;
      // Attended refreshes: the PSD2 unattended day limit would stop a soak after 4 rounds.
      const body = {
        jobId: `soak-${jobSeq}`,
        userId: c.userId,
        connectionId: c.connectionId,
        reason: "refresh_now",
        requestedAt: NOW.toISOString(),
        psuIp: PSU_IP,
      };
      return { Id: String(jobSeq), MessageBody: JSON.stringify(body) };
    });
    await stack.aws.sqs.send(new SendMessageBatchCommand({ QueueUrl: handles.queues.syncJobs.url, Entries: entries }));
  }
  return connections.length;
}

const samples: { t: number; rssKb: number; syncs: number }[] = [];
const started = Date.now();
const deadline = started + SIZE.seconds * 1000;
let sent = 0;
let last: Usage = await usage();
// Rounds of one small sync per connection; the next round is queued when this one has settled.
while (Date.now() < deadline) {
  sent += await enqueueRound();
  for (;;) {
    last = await usage();
    samples.push({ t: (Date.now() - started) / 1000, rssKb: rssKb(child.pid!), syncs: last.stats.done + last.stats.deadLettered });
    if (last.stats.done + last.stats.retried + last.stats.deadLettered >= sent || Date.now() > deadline + 60_000) break;
    await new Promise((r) => setTimeout(r, SIZE.sampleMs));
  }
}
const elapsed = (Date.now() - started) / 1000;
child.send({ cmd: "stop" });
await new Promise((r) => child.once("exit", r));
await sandbox.stop();
await moto.stop();

// Growth after warm-up: first vs last sample and the least-squares slope over the steady part.
const steady = samples.filter((s) => s.t >= SIZE.warmupSeconds);
const mb = (kb: number) => Math.round((kb / 1024) * 10) / 10;
function slopeKbPerMin(points: { t: number; rssKb: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mr = points.reduce((a, p) => a + p.rssKb, 0) / n;
  const cov = points.reduce((a, p) => a + (p.t - mt) * (p.rssKb - mr), 0);
  const varT = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return varT === 0 ? 0 : (cov / varT) * 60;
}
const first = steady[0];
const final = steady[steady.length - 1];
const perSync = final && first && final.syncs > first.syncs ? (final.rssKb - first.rssKb) / (final.syncs - first.syncs) : 0;
const summary = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 },
  size: SIZE,
  seconds: Math.round(elapsed),
  syncs: {
    sent,
    done: last.stats.done,
    retried: last.stats.retried,
    deadLettered: last.stats.deadLettered,
    perSecond: Math.round((last.stats.done / elapsed) * 10) / 10,
  },
  rssMb: {
    afterWarmup: first ? mb(first.rssKb) : null,
    end: final ? mb(final.rssKb) : null,
    min: steady.length ? mb(Math.min(...steady.map((s) => s.rssKb))) : null,
    max: steady.length ? mb(Math.max(...steady.map((s) => s.rssKb))) : null,
    growth: first && final ? mb(final.rssKb - first.rssKb) : null,
    growthPercent: first && final ? Math.round(((final.rssKb - first.rssKb) / first.rssKb) * 1000) / 10 : null,
    slopeMbPerMinute: Math.round((slopeKbPerMin(steady) / 1024) * 100) / 100,
    kbPerSync: Math.round(perSync * 100) / 100,
  },
  peakRssMb: mb(last.maxRssKb),
  samples: samples.map((s) => ({ t: Math.round(s.t), rssMb: mb(s.rssKb), syncs: s.syncs })),
};

const results = join(here, "..", "results");
mkdirSync(results, { recursive: true });
writeFileSync(join(results, "sync-soak.json"), `${JSON.stringify(summary, null, 2)}\n`);
const every = Math.max(1, Math.floor(steady.length / 12));
const md = [
  "# Sync worker soak (bench/sync's worker process, moto, TrueLayer simulator)",
  "",
  `Measured ${summary.at} on ${summary.machine.cpus} shared cores at load average ${summary.machine.loadAverage1m} (Node ${summary.machine.node}); ${summary.seconds} s, ${SIZE.users} connections of one account with ${SIZE.days} days of history, rounds of one attended sync per connection, concurrency ${SIZE.concurrency}, RSS (VmRSS) sampled every ${SIZE.sampleMs} ms, warm-up ${SIZE.warmupSeconds} s. Re-run: \`pnpm --filter @expenzez/bench run bench:sync-soak\`.`,
  "",
  "| syncs done | syncs/s | retried | dead-lettered | RSS after warm-up MB | RSS end MB | min–max MB | growth MB (%) | slope MB/min | KB per sync | peak RSS MB |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  `| ${summary.syncs.done} | ${summary.syncs.perSecond} | ${summary.syncs.retried} | ${summary.syncs.deadLettered} | ${summary.rssMb.afterWarmup} | ${summary.rssMb.end} | ${summary.rssMb.min}–${summary.rssMb.max} | ${summary.rssMb.growth} (${summary.rssMb.growthPercent} %) | ${summary.rssMb.slopeMbPerMinute} | ${summary.rssMb.kbPerSync} | ${summary.peakRssMb} |`,
  "",
  "RSS over the run (every few samples after warm-up):",
  "",
  "| t s | syncs | RSS MB |",
  "|---:|---:|---:|",
  ...steady.filter((_, i) => i % every === 0 || i === steady.length - 1).map((s) => `| ${Math.round(s.t)} | ${s.syncs} | ${mb(s.rssKb)} |`),
  "",
].join("\n");
writeFileSync(join(results, "sync-soak.md"), md);
process.stdout.write(md);
