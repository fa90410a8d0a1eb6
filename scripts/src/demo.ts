// The local demo: the whole event-driven pipeline on one machine. It starts the AWS emulator and
// the TrueLayer simulator, seeds users, runs the real services as separate processes (the list
// is scripts/src/demo-services.ts), asks for one "refresh now" through the webhook, waits for
// every queue to drain and prints what the pipeline stored and announced.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { createAwsClients } from "@expenzez/aws";
import { assertEmulatorStage, runMain } from "@expenzez/config";
import { createFieldEncryptor } from "@expenzez/crypto";
import { createRepositories } from "@expenzez/db";
import { provision, stackDefinition } from "@expenzez/infra";
import { freePort, repoRoot, withEmulator } from "@expenzez/local-aws";
import { createLogger } from "@expenzez/logger";
import { formatMoney } from "@expenzez/money";
import { recurringSummary } from "@expenzez/recurring-detector";
import { startSandbox } from "@expenzez/truelayer-sandbox";
import Table from "cli-table3";
import pLimit from "p-limit";
import { createAuditTap } from "./demo/audit";
import { startDemoAuth } from "./demo/auth";
import { startCountingProxy } from "./demo/counting-proxy";
import { discover, type RunningService, startServices, stopServices, waitHealthy } from "./demo/processes";
import { createProgress } from "./demo/progress";
import { type SeededUser, seedUser } from "./demo/seed";
import { allDepths, readStored } from "./demo/summary";
import { DEMO_SERVICES, type DemoContext } from "./demo-services";

const { values: flags } = parseArgs({
  options: {
    users: { type: "string", default: "3" },
    days: { type: "string", default: "90" },
    json: { type: "string" },
    keep: { type: "boolean", default: false },
    "timeout-seconds": { type: "string", default: "300" },
  },
});
const users = positiveInt("--users", flags.users);
const days = positiveInt("--days", flags.days);
const timeoutMs = positiveInt("--timeout-seconds", flags["timeout-seconds"]) * 1000;
const stage = process.env.STAGE ?? "local";
const region = process.env.AWS_REGION ?? "eu-west-2";
const root = repoRoot();
const log = createLogger("demo", { level: process.env.LOG_LEVEL ?? "warn" });
const say = (text: string) => console.log(text);
const step = (n: number, text: string) => say(`\n[${n}/6] ${text}`);
const started = Date.now();

function depths0(d: { work: Record<string, number> }): Record<string, number> {
  return d.work;
}

/** Requests of one service prefix in a by-operation count. */
function sumOf(ops: Record<string, number>, prefix: string): number {
  return Object.entries(ops).reduce((n, [op, v]) => (op.startsWith(`${prefix}:`) ? n + v : n), 0);
}

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${name} must be a whole number above 0, got ${value}`);
    process.exit(2);
  }
  return n;
}

let running: RunningService[] = [];
// A wedged emulator would hang a request forever: the whole run gets a hard stop too (not with --keep).
if (!flags.keep) {
  setTimeout(() => {
    console.error(`demo: no result ${timeoutMs / 1000 + 180} s after the start; giving up (service logs in .local/demo/)`);
    process.exit(1);
  }, timeoutMs + 180_000).unref();
}
// Whatever ends the demo (an error, Ctrl-C), no service process outlives it.
process.once("exit", () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill("SIGKILL");
});

await runMain(async () => {
  assertEmulatorStage();
  let failed = false;
  await withEmulator(async (emulator) => {
    step(1, `local AWS emulator at ${emulator.endpoint}${emulator.owned ? " (moto, started for this run)" : ""}; provisioning stage "${stage}"`);
    const aws = createAwsClients({ region, endpoint: emulator.endpoint });
    const def = stackDefinition(stage);
    const { changes, handles } = await provision(aws, def);
    say(
      `    ${changes.length} resources: table ${handles.tableName}, ${Object.keys(handles.queues).length} queues with DLQs, bus ${handles.busName} with ${def.rules.length} rules`,
    );
    const proxy = await startCountingProxy(emulator.endpoint);
    const audit = await createAuditTap(aws, handles.busName, stage);

    step(2, "TrueLayer simulator (signed webhooks on) and a stand-in identity provider for the app's tokens");
    const sandbox = await startSandbox({ seed: "demo", config: { sign_webhooks: true }, logger: log });
    const auth = await startDemoAuth();
    say(`    simulator ${sandbox.url}   JWKS ${auth.jwksUrl}`);

    try {
      step(3, `seeding ${users} users: profile with time zone, bank connection (${days} days of history), 3 budgets, notification preferences, a device`);
      const db = { doc: aws.doc, tableName: handles.tableName };
      const repos = createRepositories(db, createFieldEncryptor({ kms: aws.kms, keyId: handles.keyId }));
      const now = new Date();
      const limit = pLimit(4);
      // User 0 is not due: the demo refreshes it by hand through the webhook.
      const seeded: SeededUser[] = await Promise.all(
        Array.from({ length: users }, (_, i) => limit(() => seedUser(repos, sandbox.admin, i, { days, now, due: i !== 0 }))),
      );
      const tokens = new Map<string, string[]>();
      for (const u of seeded) {
        const c = await repos.connections.get(u.userId, u.connectionId);
        tokens.set(u.userId, c ? [c.accessToken, c.refreshToken] : []);
      }
      say(`    ${seeded.length} users seeded; ${seeded.length - 1} due now (jittered over the last minute), 1 waiting for "refresh now"`);

      step(4, "starting the services as separate processes");
      const { present, missing, unlisted } = discover(root, DEMO_SERVICES);
      const fcmPort = await freePort();
      const ctx: DemoContext = {
        common: { STAGE: stage, AWS_REGION: region, AWS_ENDPOINT_URL: proxy.url, LOG_LEVEL: process.env.LOG_LEVEL ?? "info" },
        truelayer: {
          authUrl: sandbox.authUrl,
          dataUrl: sandbox.dataUrl,
          clientId: "sandbox-client",
          clientSecret: "sandbox-secret",
          jwksUrl: `${sandbox.url}/.well-known/jwks`,
        },
        auth: { jwksUrl: auth.jwksUrl, issuer: auth.issuer, audience: auth.audience },
        webhook: { port: await freePort(), resultsSecret: randomBytes(24).toString("base64url") },
        fcm: { port: fcmPort, url: `http://127.0.0.1:${fcmPort}`, keyFile: join(root, ".local", "demo", "fcm-service-account.json") },
      };
      const logDir = join(root, ".local", "demo");
      running = startServices(root, present, ctx, logDir);
      for (const r of running) say(`    ${r.name.padEnd(22)} pid ${r.pid}   log ${r.log.slice(root.length + 1)}`);
      if (missing.length) say(`    not built yet (skipped): ${missing.join(", ")}`);
      if (unlisted.length) say(`    in services/ but not in scripts/src/demo-services.ts: ${unlisted.join(", ")}`);
      await waitHealthy(
        present.flatMap((s) => (s.healthUrl ? [s.healthUrl(ctx)] : [])),
        running,
      );

      const webhookUrl = `http://127.0.0.1:${ctx.webhook.port}`;
      const first = seeded[0] as SeededUser;
      const refresh = await fetch(`${webhookUrl}/v1/connections/${first.connectionId}/refresh`, {
        method: "POST",
        headers: { Authorization: `Bearer ${await auth.token(first.userId)}`, "X-Correlation-Id": "demo-refresh-now" },
      });
      const refreshBody = (await refresh.json()) as { jobId?: string };
      say(`    "refresh now" for ${first.userId} through the webhook (signed JWT): HTTP ${refresh.status}, job ${refreshBody.jobId ?? "none"}`);
      if (refresh.status !== 202) failed = true;

      step(5, "jobs flow scheduler → sync-jobs → workers → events → consumers");
      const progress = createProgress(users);
      // Only queues someone drains count: a consumer not built yet leaves its queue full.
      const drainedBy = new Set(present.flatMap((s) => (s.consumes ? [s.consumes] : [])));
      let syncedAt: number | undefined;
      const deadline = Date.now() + timeoutMs;
      let quietPolls = 0;
      let synced = 0;
      let drained = false;
      while (Date.now() < deadline) {
        await sleep(500);
        const eventsTotal = await audit.drain();
        const depths = await allDepths(aws.sqs, handles);
        synced = 0;
        for (const u of seeded) if ((await repos.connections.get(u.userId, u.connectionId))?.lastSyncAt) synced++;
        const watched = Object.entries(depths.work)
          .filter(([id]) => drainedBy.has(id as never))
          .sort(([a], [b]) => a.localeCompare(b));
        const inConsumers = watched.filter(([id]) => id !== "syncJobs").reduce((n, [, v]) => n + v, 0);
        if (synced === users && syncedAt === undefined) syncedAt = Date.now();
        progress.update({
          synced,
          events: Math.max(0, eventsTotal - inConsumers),
          eventsTotal,
          queues: watched.map(([id, v]) => `${id} ${v}`).join(", "),
        });
        const dead = running.find((r) => r.child.exitCode !== null);
        if (dead) throw new Error(`${dead.name} exited with ${dead.child.exitCode}; see ${dead.log}`);
        const idle = watched.every(([, v]) => v === 0);
        quietPolls = synced === users && idle ? quietPolls + 1 : 0;
        // Idle for 2 s in a row: consumers may still be publishing what the last message caused.
        if (quietPolls >= 4) {
          drained = true;
          break;
        }
      }
      progress.stop();
      await audit.drain();
      const elapsedMs = Date.now() - started;
      const undrained = Object.entries(depths0(await allDepths(aws.sqs, handles))).filter(([id, v]) => v > 0 && !drainedBy.has(id as never));
      if (undrained.length) say(`    left for consumers not built yet: ${undrained.map(([id, v]) => `${id} ${v}`).join(", ")}`);
      if (!drained) {
        failed = true;
        say(`    did not drain within ${timeoutMs / 1000} s (${synced}/${users} connections synced)`);
      }

      step(6, "summary");
      const depths = await allDepths(aws.sqs, handles);
      const stored = await readStored(
        db,
        seeded.map((u) => ({ ...u, tokens: tokens.get(u.userId) ?? [] })),
        { syncedConnections: audit.connectionsSynced, eventIds: audit.eventIds },
      );
      const dynamoRequests = proxy.total("dynamodb");
      if (proxy.errors().length) say(`    ${proxy.errors().length} requests the emulator did not answer, e.g. ${proxy.errors().slice(0, 3).join("; ")}`);
      const events = Object.fromEntries([...audit.byType].sort());
      const summary = {
        users: stored.users,
        connectionsSynced: stored.connectionsSynced,
        accounts: stored.accounts,
        transactions: stored.transactions,
        events,
        budgets: { total: stored.budgets, recalculated: stored.budgetsRecalculated, thresholdsCrossed: events.BudgetThresholdCrossed ?? 0 },
        recurringStreams: stored.recurringStreams,
        notifications: {
          sent: stored.notifications.delivered ?? 0,
          deferred: stored.notifications.deferred ?? 0,
          suppressed: stored.notifications.suppressed ?? 0,
          failed: stored.notifications.failed ?? 0,
          byReason: stored.notificationReasons,
        },
        dlq: depths.dlq,
        seconds: Math.round(elapsedMs / 100) / 10,
        secondsToAllSynced: syncedAt ? Math.round((syncedAt - started) / 100) / 10 : null,
        dynamodbRequests: dynamoRequests,
        dynamodbRequestsPer1000Transactions: stored.transactions ? Math.round((dynamoRequests / stored.transactions) * 1000) : null,
        /** AWS requests per service process (named by its SDK app id), by operation. */
        requestsByService: proxy.bySender(),
        refreshNow: { status: refresh.status, jobId: refreshBody.jobId ?? null },
        services: running.map((r) => r.name),
        servicesNotBuilt: missing,
        invariants: { ok: stored.violations.length === 0, violations: stored.violations },
        /** Published outbox records whose batched delete had not gone yet when the table was read. */
        outboxAwaitingDelete: stored.outboxAwaitingDelete,
        drained,
      };

      const table = new Table({ head: ["", "value"], style: { head: [], border: [] } });
      table.push(
        ["users / connections synced", `${summary.users} / ${summary.connectionsSynced}`],
        ["accounts and cards", summary.accounts],
        ["transactions stored", summary.transactions],
        ...Object.entries(events).map(([type, n]) => [`event ${type}`, n]),
        ["budgets recalculated / thresholds crossed", `${summary.budgets.recalculated} of ${summary.budgets.total} / ${summary.budgets.thresholdsCrossed}`],
        ["recurring streams found", summary.recurringStreams],
        [
          "notifications sent / deferred / suppressed",
          `${summary.notifications.sent} / ${summary.notifications.deferred} / ${summary.notifications.suppressed}`,
        ],
        ...Object.entries(summary.notifications.byReason)
          .sort()
          .map(([reason, n]) => [`  not sent — ${reason}`, n]),
        [
          "DLQ depths",
          Object.entries(depths.dlq)
            .map(([id, v]) => `${id} ${v}`)
            .join(", "),
        ],
        ["time taken", `${summary.seconds} s`],
        ["DynamoDB requests (per 1,000 transactions)", `${dynamoRequests} (${summary.dynamodbRequestsPer1000Transactions ?? "n/a"})`],
        ...Object.entries(summary.requestsByService).map(([service, ops]) => [
          `  ${service}: DynamoDB / SQS`,
          `${sumOf(ops, "dynamodb")} / ${sumOf(ops, "sqs")}`,
        ]),
        ["invariants", summary.invariants.ok ? "all hold" : `${stored.violations.length} violated`],
      );
      say(table.toString());

      const categories = new Table({
        head: ["category (booked)", "tx", "money out", "money in"],
        colAligns: ["left", "right", "right", "right"],
        style: { head: [], border: [] },
      });
      for (const [primary, row] of [...stored.byCategory].sort((a, b) => b[1].outMinor + b[1].inMinor - (a[1].outMinor + a[1].inMinor))) {
        categories.push([primary, row.count, row.outMinor ? formatMoney(row.outMinor) : "", row.inMinor ? formatMoney(row.inMinor) : ""]);
      }
      say(categories.toString());
      // One user's recurring payments and incomes, and the bills it can expect in the next 30 days.
      for (const line of await recurringSummary({ repos }, seeded[0]!.userId)) say(`    ${line}`);
      for (const v of stored.violations.slice(0, 20)) say(`    invariant violated: ${v}`);

      const dlqTotal = Object.values(depths.dlq).reduce((n, v) => n + v, 0);
      if (dlqTotal > 0 || stored.violations.length > 0 || stored.connectionsSynced !== users) failed = true;

      if (flags.json) {
        const target = {
          summary,
          endpoint: emulator.endpoint,
          region,
          stage,
          table: handles.tableName,
          bus: handles.busName,
          queues: Object.fromEntries(Object.entries(handles.queues).map(([id, q]) => [id, { url: q.url, dlqUrl: q.dlqUrl }])),
          simulatorUrl: sandbox.url,
          webhookUrl,
        };
        writeFileSync(flags.json, `${JSON.stringify(target, null, 2)}\n`);
        say(`    summary written to ${flags.json}`);
      }

      if (flags.keep) {
        say("\n--keep: everything stays up until Ctrl-C. Inspect it with:");
        say(`    export AWS_ENDPOINT_URL=${emulator.endpoint} AWS_REGION=${region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`);
        say(`    aws dynamodb scan --table-name ${handles.tableName} --max-items 5`);
        say(`    aws sqs get-queue-attributes --queue-url ${handles.queues.syncJobs.url} --attribute-names All`);
        say(`    TrueLayer simulator ${sandbox.url}   webhook ${webhookUrl}`);
        // The operations CLI (services/ops-cli) reads the same variables as the services.
        say("    pnpm --silent expenzez status        pnpm --silent expenzez dlq list");
        await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      }
    } finally {
      // Bounded: a process or a socket that will not close must not keep the demo from ending.
      const bound = (p: Promise<unknown>) => Promise.race([p, sleep(20_000)]);
      await bound(stopServices(running));
      await bound(Promise.all([sandbox.stop(), auth.stop(), proxy.stop()]));
    }
  });
  say(failed ? "\ndemo FAILED (see above)" : "\ndemo ok");
  if (failed) process.exitCode = 1;
  // Whatever handle lingers (a kept-alive socket), the demo ends once its output is out.
  setTimeout(() => process.exit(process.exitCode ?? 0), 5000).unref();
});
