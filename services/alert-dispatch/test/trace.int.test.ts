import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { budgetRecalc } from "@expenzez/budget-recalc";
import { recurringDetector } from "@expenzez/recurring-detector";
import { syncWorker } from "@expenzez/sync-worker";
import { emulatorEndpoint, until } from "@expenzez/testing";
import { type RunningSandbox, startSandbox } from "@expenzez/truelayer-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertDispatch } from "../src/service";
import { type Harness, harness } from "./helpers";

// Needs the local AWS emulator (vitest global setup); runs the TrueLayer simulator in-process and
// the real sync worker and every consumer (budget-recalc, recurring-detector, alert-dispatch) as
// their long-polling queue workers, with their log
// lines captured: one job's correlation id is followed from the job to the notification history.

let h: Harness;
let sandbox: RunningSandbox;
const lines: { sync: string[]; alerts: string[]; budgets: string[]; recurring: string[] } = { sync: [], alerts: [], budgets: [], recurring: [] };
let workers: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  h = await harness();
  // On the real clock: the workers decide with it (windows, quiet hours, staleness).
  sandbox = await startSandbox({ seed: "trace-tests" });
  const env = {
    STAGE: "local",
    AWS_ENDPOINT_URL: emulatorEndpoint(),
    LOG_LEVEL: "info",
    TRUELAYER_AUTH_URL: sandbox.authUrl,
    TRUELAYER_DATA_URL: sandbox.dataUrl,
    TRUELAYER_CLIENT_ID: "sandbox-client",
    TRUELAYER_CLIENT_SECRET: "sandbox-secret",
    ALERTS_EMAIL: "on",
  };
  workers = [
    await syncWorker.startWorker(env, { waitTimeSeconds: 1, logDestination: { write: (l) => void lines.sync.push(l) } }),
    await alertDispatch.startWorker(env, { waitTimeSeconds: 1, logDestination: { write: (l) => void lines.alerts.push(l) } }),
    await budgetRecalc.startWorker(env, { waitTimeSeconds: 1, logDestination: { write: (l) => void lines.budgets.push(l) } }),
    await recurringDetector.startWorker(env, { waitTimeSeconds: 1, logDestination: { write: (l) => void lines.recurring.push(l) } }),
  ];
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sandbox?.stop();
});

type Line = Record<string, unknown> & { msg?: string; correlationId?: string };
const parsed = (raw: string[]): Line[] => raw.map((l) => JSON.parse(l) as Line);

describe("one correlation id from the job to the notification history", () => {
  it("is on every log line of the sync and of the alert it caused, on the events between them and in the history item, with the metrics", async () => {
    // Prepare: a user whose next sync brings a £650 debit (a LargeTransactionDetected alert, sent by email).
    const sim = await sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: 10, scenario: { unattended_limit: null } });
    const account = sim.accounts[0]?.account_id as string;
    await sandbox.admin.addTransaction(sim.user_id, { account_id: account, description: "JOHN LEWIS TESTVILLE", amount: "650.00" });
    const userId = `u-${sim.user_id}`;
    const connectionId = `conn-${sim.user_id}`;
    const at = new Date().toISOString();
    await h.repos.profiles.putNew({ userId, email: `${userId}@example.com`, emailVerified: true, timeZone: "Europe/London", createdAt: at, updatedAt: at });
    await h.repos.notifications.createPreferences({ userId, channels: { push: false, email: true }, updatedAt: at });
    await h.repos.connections.putNew({
      userId,
      connectionId,
      providerId: "mock",
      status: "active",
      accessToken: sim.tokens.access_token,
      refreshToken: sim.tokens.refresh_token as string,
      tokenExpiresAt: new Date(Date.now() + sim.tokens.expires_in * 1000).toISOString(),
      consentExpiresAt: sim.consent_expires_at,
      nextSyncAt: at,
      createdAt: at,
      updatedAt: at,
    });
    const correlationId = `trace-${sim.user_id}`;
    const job = { jobId: `job-${sim.user_id}`, userId, connectionId, reason: "refresh_now", requestedAt: at, correlationId };

    // Act: the job as the webhook sends it (the id in the body and as a message attribute).
    const sent = await h.stack.aws.sqs.send(
      new SendMessageCommand({
        QueueUrl: h.stack.handles.queues.syncJobs.url,
        MessageBody: JSON.stringify(job),
        MessageAttributes: { correlationId: { DataType: "String", StringValue: correlationId } },
      }),
    );
    await until(async () => (await h.repos.notifications.listHistory(userId)).some((n) => n.status === "delivered"), {
      message: "the large debit's notification sent",
      timeoutMs: 45_000,
    });

    // Assess: the history.
    const history = await h.repos.notifications.listHistory(userId);
    expect(history.filter((n) => n.detailType === "LargeTransactionDetected").length).toBeGreaterThanOrEqual(1);
    for (const n of history) expect(n.correlationId).toBe(correlationId);

    // The sync worker: every line of the message's handling, and every line naming the connection.
    const sync = parsed(lines.sync);
    const ofMessage = sync.filter((l) => l.messageId === sent.MessageId);
    expect(ofMessage.some((l) => l.msg === "connection synced")).toBe(true);
    for (const l of ofMessage) expect(l.correlationId).toBe(correlationId);
    for (const raw of lines.sync.filter((l) => l.includes(connectionId))) expect(raw).toContain(`"correlationId":"${correlationId}"`);
    const syncMetrics = ofMessage.find((l) => "SyncDuration" in l);
    expect(syncMetrics).toMatchObject({ service: "sync-worker", correlationId });
    expect(syncMetrics?.TransactionsPerSync).toBeGreaterThanOrEqual(1);
    expect(ofMessage.find((l) => "QueueLag" in l)?.QueueLag).toBeGreaterThanOrEqual(0);

    // budget-recalc and recurring-detector: every line of their handling of the sync's TransactionsSynced.
    for (const consumer of ["budgets", "recurring"] as const) {
      await until(() => parsed(lines[consumer]).some((l) => l.correlationId === correlationId && "HandlerDuration" in l), {
        message: `${consumer} handled the sync's event`,
      });
      const handling = parsed(lines[consumer]).filter((l) => typeof l.messageId === "string");
      expect(handling.length).toBeGreaterThan(0);
      for (const l of handling) expect(l.correlationId).toBe(correlationId);
    }
    expect(parsed(lines.budgets).some((l) => "BudgetRecalculations" in l && l.correlationId === correlationId)).toBe(true);

    // alert-dispatch: the lines of its messages for this user carry the same id, and the latency is measured.
    const alerts = parsed(lines.alerts);
    const forUser = lines.alerts.filter((l) => l.includes(userId));
    expect(forUser.length).toBeGreaterThan(0);
    for (const raw of forUser) expect(raw).toContain(`"correlationId":"${correlationId}"`);
    expect(alerts.some((l) => l.msg === "alert handled" && l.correlationId === correlationId)).toBe(true);
    const latency = alerts.find((l) => "AlertLatency" in l && l.correlationId === correlationId);
    expect(latency).toMatchObject({ service: "alert-dispatch", channel: "email" });
    expect(latency?.AlertLatency).toBeGreaterThanOrEqual(0);
  }, 60_000);
});
