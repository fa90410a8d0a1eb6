import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { createAwsClients } from "@expenzez/aws";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, resetForFile, startServiceProcess, until } from "@expenzez/testing";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { defineScheduledTask, HEALTH_PATHS, type HealthServer, healthListenOf, queueReadiness, startHealthServer, startTaskHost } from "../src/index";

// Needs the local AWS emulator (the vitest global setup starts moto). The failing case points a
// client at a port nothing listens on: moto itself keeps serving the other test files.
let stack: LocalStack;
const log = createLogger("test", { level: "silent" });
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A local URL that refuses connections: a port that was free a moment ago. */
async function deadEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

async function probe(server: HealthServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("the health endpoint", () => {
  it("is live and ready while its queue answers", async () => {
    const server = await startHealthServer({ port: 0, ready: queueReadiness(stack.aws.sqs, stack.handles.queues.budgetRecalc.url), log });
    open.push(server);
    expect(server.port).toBeGreaterThan(0);
    expect(await probe(server, HEALTH_PATHS.live)).toEqual({ status: 200, body: { status: "live" } });
    const ready = await probe(server, HEALTH_PATHS.ready);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe("ready");
    expect((await probe(server, "/nope")).status).toBe(404);
  });

  it("stays live but is not ready (503 with the reason) when its queue cannot be reached", async () => {
    const unreachable = createAwsClients({ region: "eu-west-2", endpoint: await deadEndpoint() });
    const server = await startHealthServer({ port: 0, ready: queueReadiness(unreachable.sqs, stack.handles.queues.budgetRecalc.url), log });
    open.push(server);
    expect((await probe(server, HEALTH_PATHS.live)).status).toBe(200);
    const ready = await probe(server, HEALTH_PATHS.ready);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe("not_ready");
    expect(String(ready.body.reason)).not.toBe("");
  });

  it("is not ready when the queue named does not exist", async () => {
    const server = await startHealthServer({ port: 0, ready: queueReadiness(stack.aws.sqs, `${emulatorEndpoint()}/123456789012/no-such-queue`), log });
    open.push(server);
    expect((await probe(server, HEALTH_PATHS.ready)).status).toBe(503);
  });

  it("a task host is ready while its table answers, and not when the emulator cannot be reached", async () => {
    const task = defineScheduledTask({ name: "outbox-sweep", deps: () => ({}), run: async () => undefined });
    const env = { STAGE: "local", AWS_ENDPOINT_URL: emulatorEndpoint(), LOG_LEVEL: "silent" };
    const host = await startTaskHost([task], { env, runAtStart: false, everyMs: { "outbox-sweep": 60_000 } });
    open.push({ close: () => host.stop() });
    await expect(host.ready(AbortSignal.timeout(2_000))).resolves.toBeUndefined();
    const cut = await startTaskHost([task], {
      env: { ...env, AWS_ENDPOINT_URL: await deadEndpoint() },
      runAtStart: false,
      everyMs: { "outbox-sweep": 60_000 },
    });
    open.push({ close: () => cut.stop() });
    await expect(cut.ready(AbortSignal.timeout(2_000))).rejects.toThrow();
  });
});

describe("HEALTH_PORT", () => {
  it("is off when unset, ephemeral at 0, and refused when not a port", () => {
    expect(healthListenOf({})).toBeUndefined();
    expect(healthListenOf({ HEALTH_PORT: "" })).toBeUndefined();
    expect(healthListenOf({ HEALTH_PORT: "0" })).toEqual({ port: 0, host: "127.0.0.1" });
    expect(healthListenOf({ HEALTH_PORT: "8081", HEALTH_HOST: "0.0.0.0" })).toEqual({ port: 8081, host: "0.0.0.0" });
    expect(() => healthListenOf({ HEALTH_PORT: "http" })).toThrow(/HEALTH_PORT/);
    expect(() => healthListenOf({ HEALTH_PORT: "70000" })).toThrow(/HEALTH_PORT/);
  });
});

describe("a worker process (runQueueWorker)", () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
  });

  it("serves its health endpoint on HEALTH_PORT=0, and stops being ready on SIGTERM", async () => {
    const worker = startServiceProcess(join(import.meta.dirname, "fixtures", "health-worker.ts"), {
      STAGE: "local",
      AWS_ENDPOINT_URL: emulatorEndpoint(),
      LOG_LEVEL: "info",
      HEALTH_PORT: "0",
    });
    child = worker.child;
    const url = await worker.healthUrl();
    expect((await fetch(`${url}${HEALTH_PATHS.live}`)).status).toBe(200);
    expect((await fetch(`${url}${HEALTH_PATHS.ready}`)).status).toBe(200);
    // Stopping: it finishes its long poll and in-flight messages, and says it wants no more work.
    child.kill("SIGTERM");
    await until(async () => (await fetch(`${url}${HEALTH_PATHS.ready}`)).status === 503, { message: "not ready once stopping" });
    expect((await fetch(`${url}${HEALTH_PATHS.live}`)).status).toBe(200);
  }, 60_000);
});
