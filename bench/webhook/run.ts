/**
 * Load on the real webhook service (its Node server, a child process) on loopback, backed by the
 * local emulator: autocannon sends a bounded-time mix of valid, invalid and replayed bearer JWTs,
 * TrueLayer signatures and results callbacks. Reports requests per second and latency, and
 * proves no unverified request reached the queue: every request carries a correlation id naming
 * its kind, and every job on the sync-jobs queue must name a valid request (the job carries it).
 *
 *   pnpm --filter @expenzez/bench run bench:webhook
 *   BENCH_WEBHOOK_SECONDS=60 BENCH_WEBHOOK_CONNECTIONS=20 pnpm --filter @expenzez/bench run bench:webhook
 *
 * Writes bench/results/webhook.json and bench/results/webhook.md.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { provisionLocalStack } from "@expenzez/infra";
import { startMoto } from "@expenzez/local-aws";
import { createWebhookSigner } from "@expenzez/truelayer-sandbox";
import autocannon from "autocannon";
import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** USER_HZ: 100 on every Linux build this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SIZE = {
  seconds: num("BENCH_WEBHOOK_SECONDS", 20),
  connections: num("BENCH_WEBHOOK_CONNECTIONS", 10),
  users: num("BENCH_WEBHOOK_USERS", 50),
  deliveries: num("BENCH_WEBHOOK_DELIVERIES", 200),
};
const ISSUER = "https://auth.bench.test";
const AUDIENCE = "expenzez-app";
const SECRET = "bench-results-secret-0123456789";

const moto = await startMoto({ quiet: true });
const stack = await provisionLocalStack(moto.endpoint);
const { handles } = stack;
const db = { doc: stack.aws.doc, tableName: handles.tableName };
const repos = createRepositories(db, createFieldEncryptor({ kms: stack.aws.kms, keyId: handles.keyId }));

// Key sets served on loopback: the app's identity provider and TrueLayer's webhook JWKS.
const appKeys = await generateKeyPair("ES256");
const foreignKeys = await generateKeyPair("ES256");
const appJwks = { keys: [{ ...(await exportJWK(appKeys.publicKey)), kid: "app-1", alg: "ES256" }] };
const keyServer = createServer((req, res) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify(req.url === "/app-jwks" ? appJwks : tlJwks));
});
await new Promise<void>((r) => keyServer.listen(0, "127.0.0.1", r));
const keyBase = `http://127.0.0.1:${(keyServer.address() as AddressInfo).port}`;
const JKU = `${keyBase}/tl-jwks`;
const signer = await createWebhookSigner(JKU);
const foreignSigner = await createWebhookSigner(JKU);
const tlJwks = signer.jwks;

// Users with one active connection each (credentials ids for TrueLayer's webhooks).
const NOW = new Date();
const users: { userId: string; connectionId: string; credentialsId: string }[] = [];
for (let i = 0; i < SIZE.users; i++) {
  const c = { userId: `u-load-${i}`, connectionId: `conn-load-${i}`, credentialsId: `cred-load-${i}` };
  await repos.connections.putNew({
    ...c,
    providerId: "mock",
    status: "active",
    accessToken: "at",
    refreshToken: "rt",
    tokenExpiresAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
    consentExpiresAt: new Date(NOW.getTime() + 90 * 86_400_000).toISOString(),
    nextSyncAt: NOW.toISOString(),
    createdAt: NOW.toISOString(),
    updatedAt: NOW.toISOString(),
  });
  users.push(c);
}

// The real service, as `pnpm --filter @expenzez/webhook start` runs it.
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as AddressInfo).port;
    s.close(() => resolve(p));
  });
});
// BENCH_WEBHOOK_PROFILE=<dir>: the server writes a V8 CPU profile there on exit (what the CPU goes to).
const profileDir = process.env.BENCH_WEBHOOK_PROFILE;
const profileArgs = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
const server: ChildProcess = spawn(process.execPath, [...profileArgs, "--import", "tsx", join(root, "services", "webhook", "src", "server.ts")], {
  env: {
    ...process.env,
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AUTH_JWKS_URL: `${keyBase}/app-jwks`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    TRUELAYER_WEBHOOK_JKUS: JKU,
    TRUELAYER_RESULTS_SECRET: SECRET,
    WEBHOOK_PORT: String(port),
    // One info line per request would measure the terminal; warnings and errors still print.
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  if (
    await fetch(`${base}/health`).then(
      (r) => r.ok,
      () => false,
    )
  )
    break;
  if (i > 600) throw new Error("webhook did not start within 60 s");
  await new Promise((r) => setTimeout(r, 100));
}

type Kind =
  | "refresh_valid"
  | "refresh_bad_key"
  | "refresh_expired"
  | "refresh_garbage"
  | "tl_valid"
  | "tl_replayed"
  | "tl_bad_signature"
  | "tl_foreign_key"
  | "tl_stale"
  | "results_valid"
  | "results_bad_secret";
// A replay carries a valid signature: verified, and it may be the copy that arrives first.
const VALID: ReadonlySet<Kind> = new Set(["refresh_valid", "tl_valid", "tl_replayed", "results_valid"]);

async function jwt(sub: string, key: CryptoKey, expSeconds: number): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub })
    .setProtectedHeader({ alg: "ES256", kid: "app-1" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + expSeconds)
    .sign(key);
}

type Req = { kind: Kind; method: "POST"; path: string; headers: Record<string, string>; body: string };
const pool: Req[] = [];
let seq = 0;
const add = (kind: Kind, path: string, headers: Record<string, string>, body: string) =>
  pool.push({ kind, method: "POST", path, headers: { "content-type": "application/json", "x-correlation-id": `${kind}.${seq++}`, ...headers }, body });

const TL_PATH = "/truelayer/webhooks";
for (let i = 0; i < SIZE.deliveries; i++) {
  const u = users[i % users.length]!;
  add(
    "refresh_valid",
    `/v1/connections/${u.connectionId}/refresh`,
    { authorization: `Bearer ${await jwt(u.userId, appKeys.privateKey as CryptoKey, 3600)}` },
    "",
  );
  add(
    "refresh_bad_key",
    `/v1/connections/${u.connectionId}/refresh`,
    { authorization: `Bearer ${await jwt(u.userId, foreignKeys.privateKey as CryptoKey, 3600)}` },
    "",
  );
  add(
    "refresh_expired",
    `/v1/connections/${u.connectionId}/refresh`,
    { authorization: `Bearer ${await jwt(u.userId, appKeys.privateKey as CryptoKey, -3600)}` },
    "",
  );
  add("refresh_garbage", `/v1/connections/${u.connectionId}/refresh`, { authorization: `Bearer x${i}.y.z` }, "");
  const ts = new Date().toISOString();
  const event = JSON.stringify({ event_id: `evt-${i}`, type: "data_available", credentials_id: u.credentialsId });
  const signature = await signer.sign(TL_PATH, ts, event);
  add("tl_valid", TL_PATH, { "tl-signature": signature, "x-tl-webhook-timestamp": ts }, event);
  // The same delivery again (TrueLayer retries): verified, then absorbed as a duplicate.
  add("tl_replayed", TL_PATH, { "tl-signature": signature, "x-tl-webhook-timestamp": ts }, event);
  add(
    "tl_bad_signature",
    TL_PATH,
    { "tl-signature": signature, "x-tl-webhook-timestamp": ts },
    event.replace(u.credentialsId, users[(i + 1) % users.length]!.credentialsId),
  );
  const foreign = JSON.stringify({ event_id: `evt-foreign-${i}`, type: "data_available", credentials_id: u.credentialsId });
  add("tl_foreign_key", TL_PATH, { "tl-signature": await foreignSigner.sign(TL_PATH, ts, foreign), "x-tl-webhook-timestamp": ts }, foreign);
  const old = new Date(Date.now() - 3_600_000).toISOString();
  const stale = JSON.stringify({ event_id: `evt-stale-${i}`, type: "data_available", credentials_id: u.credentialsId });
  add("tl_stale", TL_PATH, { "tl-signature": await signer.sign(TL_PATH, old, stale), "x-tl-webhook-timestamp": old }, stale);
  const result = JSON.stringify({
    request_uri: `https://api.truelayer.test/data/v1/accounts/acc-${i}/transactions?from=2026-01-01&to=2026-06-01&async=true`,
    results_uri: `https://api.truelayer.test/data/v1/results/task-${i}`,
    credentials_id: u.credentialsId,
    task_id: `task-${i}`,
    status: "Succeeded",
  });
  add("results_valid", `/truelayer/results/${SECRET}`, {}, result);
  add("results_bad_secret", `/truelayer/results/${SECRET.slice(0, -1)}x`, {}, result.replace(`task-${i}`, `task-bad-${i}`));
}
// The pool is built one of each kind at a time, so every stretch of the run sees the whole mix.

const byKind = new Map<Kind, Map<number, number>>();
const coalescedOrDuplicate = { refresh: 0, tl: 0, results: 0 };
let queuedResponses = 0;
let cursor = 0;
// The server's own CPU (user + system) over the run, from /proc: per request it means something on a shared machine.
const cpuBefore = processCpuMs(server.pid);
const result = await autocannon({
  url: base,
  connections: SIZE.connections,
  duration: SIZE.seconds,
  // A loaded shared machine answers slowly; a late answer is still an answer.
  timeout: 30,
  // One shared cursor over the pool: autocannon would otherwise start every connection at the
  // same request, so the connections would be concurrent twins of one delivery all run long.
  requests: [
    {
      setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
        const r = pool[cursor++ % pool.length]!;
        context.kind = r.kind;
        context.tl = r.path === TL_PATH;
        return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
      },
      onResponse: (status: number, body: string, context: Record<string, unknown>) => {
        const kind = context.kind as Kind;
        const counts = byKind.get(kind) ?? new Map<number, number>();
        counts.set(status, (counts.get(status) ?? 0) + 1);
        byKind.set(kind, counts);
        if (status === 202 || status === 200) {
          const parsed = JSON.parse(body) as { coalesced?: boolean; outcome?: string };
          if (parsed.coalesced === false || parsed.outcome === "queued") queuedResponses++;
          else if (parsed.coalesced === true) coalescedOrDuplicate.refresh++;
          else if (parsed.outcome === "duplicate") coalescedOrDuplicate[context.tl ? "tl" : "results"]++;
        }
      },
    },
  ],
});

const cpuMs = processCpuMs(server.pid) - cpuBefore;

// Every job on the queue, with the correlation id its request carried.
const jobs: { correlationId?: string }[] = [];
for (let empty = 0; empty < 3; ) {
  const got = await stack.aws.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: handles.queues.syncJobs.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 300 }),
  );
  const messages = got.Messages ?? [];
  if (messages.length === 0) {
    empty++;
    continue;
  }
  for (const m of messages) jobs.push(JSON.parse(m.Body ?? "{}"));
  await stack.aws.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: handles.queues.syncJobs.url,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    }),
  );
}
const kindOf = (correlationId: string | undefined) => (correlationId?.split(".")[0] ?? "(none)") as Kind;
const jobsByKind: Record<string, number> = {};
for (const j of jobs) jobsByKind[kindOf(j.correlationId)] = (jobsByKind[kindOf(j.correlationId)] ?? 0) + 1;
const unverifiedJobs = jobs.filter((j) => !VALID.has(kindOf(j.correlationId))).length;
const distinctValidTargets = {
  refresh: new Set(pool.filter((r) => r.kind === "refresh_valid").map((r) => r.path)).size,
  tl: new Set(pool.filter((r) => r.kind === "tl_valid").map((r) => r.body)).size,
  results: new Set(pool.filter((r) => r.kind === "results_valid").map((r) => r.body)).size,
};

server.kill("SIGTERM");
await new Promise((r) => server.once("exit", r));
keyServer.close();
await moto.stop();

const responses = Object.fromEntries([...byKind].map(([k, m]) => [k, Object.fromEntries([...m].sort(([a], [b]) => a - b))]));
const validRequests = [...byKind].filter(([k]) => VALID.has(k)).reduce((n, [, m]) => n + [...m.values()].reduce((a, b) => a + b, 0), 0);
const summary = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 },
  size: SIZE,
  requests: {
    total: result.requests.total,
    perSecondAverage: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  },
  webhookCpu: { totalMs: Math.round(cpuMs), perRequestMs: Math.round((cpuMs / Math.max(1, result.requests.total)) * 100) / 100 },
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, average: result.latency.average },
  responsesByKind: responses,
  validRequests,
  queue: {
    jobs: jobs.length,
    jobsByKind,
    unverifiedJobs,
    queuedResponses,
    coalescedOrDuplicate,
    distinctValidTargets,
    /**
     * No job came from an unverified request; no more jobs than distinct valid targets; every
     * "queued" answer has its job (a request still in flight when the run stopped, one per
     * connection at most, or one autocannon gave up on, may have queued one without its answer
     * being counted).
     */
    proof:
      unverifiedJobs === 0 &&
      jobs.length >= queuedResponses &&
      jobs.length <= queuedResponses + SIZE.connections + result.timeouts + result.errors &&
      jobs.length <= distinctValidTargets.refresh + distinctValidTargets.tl + distinctValidTargets.results,
  },
};

const results = join(root, "bench", "results");
mkdirSync(results, { recursive: true });
writeFileSync(join(results, "webhook.json"), `${JSON.stringify(summary, null, 2)}\n`);
const kinds = [...byKind.keys()].sort();
const md = [
  "# Webhook load (autocannon on loopback, real Node server, moto)",
  "",
  `Measured ${summary.at} on ${summary.machine.cpus} shared cores at load average ${summary.machine.loadAverage1m} (Node ${summary.machine.node}); ${SIZE.seconds} s, ${SIZE.connections} connections, ${SIZE.users} users, a pool of ${pool.length} requests cycled (${SIZE.deliveries} of each kind). Re-run: \`pnpm --filter @expenzez/bench run bench:webhook\`.`,
  "",
  "| requests | req/s (mean) | p50 ms | p90 ms | p99 ms | max ms | errors | timeouts | webhook CPU ms / request |",
  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  `| ${summary.requests.total} | ${summary.requests.perSecondAverage} | ${summary.latencyMs.p50} | ${summary.latencyMs.p90} | ${summary.latencyMs.p99} | ${summary.latencyMs.max} | ${summary.requests.errors} | ${summary.requests.timeouts} | ${summary.webhookCpu.perRequestMs} |`,
  "",
  "## Responses by kind of request",
  "",
  "| kind | verified? | responses by status |",
  "|---|---|---|",
  ...kinds.map(
    (k) =>
      `| ${k} | ${k === "tl_replayed" ? "valid signature, replayed" : VALID.has(k) ? "valid" : "no"} | ${Object.entries(responses[k] ?? {})
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ")} |`,
  ),
  "",
  "## Nothing unverified reached the queue",
  "",
  `Jobs on the sync-jobs queue after the run: **${jobs.length}** (${
    Object.entries(jobsByKind)
      .map(([k, n]) => `${k}: ${n}`)
      .join(", ") || "none"
  }).`,
  `Jobs whose request was not valid: **${unverifiedJobs}**. Responses that said a job was queued: ${queuedResponses} (requests still in flight when the run stopped, at most ${SIZE.connections}, and the ${result.timeouts} autocannon timed out may account for the difference of ${jobs.length - queuedResponses}).`,
  `Valid requests answered without a new job: refresh coalesced ${coalescedOrDuplicate.refresh}, TrueLayer duplicates ${coalescedOrDuplicate.tl}, results duplicates ${coalescedOrDuplicate.results}; at most ${distinctValidTargets.refresh + distinctValidTargets.tl + distinctValidTargets.results} distinct valid targets existed.`,
  `Proof holds: **${summary.queue.proof}**.`,
  "",
].join("\n");
writeFileSync(join(results, "webhook.md"), md);
process.stdout.write(md);
if (!summary.queue.proof) process.exitCode = 1;

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
