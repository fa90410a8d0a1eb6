import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { GetQueueAttributesCommand, type Message, type MessageAttributeValue, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type DetailType, parseDeliveredEvent } from "@expenzez/events";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { type RunningService, startServiceProcess, stopServices, waitHealthy } from "@expenzez/scripts/demo/processes";
import { DEMO_SERVICES, type DemoContext } from "@expenzez/scripts/demo-services";
import { emulatorEndpoint, eventBridgeBody, receiveAll, resetForFile, until } from "@expenzez/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileBody, hostileText, sqsSafe } from "../src/arbitraries";
import { type Boundary, record, runs } from "../src/cases";
import { ALERT_TYPES, ANY_TYPES, BUDGET_TYPES, SYNC_TYPES, validEnvelopes, validEvent, validSyncJob } from "../src/valid";

// Every queue consumer as its real worker process (the demo's service registry, long-polling
// runtime) on the emulator. Messages that can never succeed (malformed bodies, hostile
// attributes, a forged failure_code, events of a version nobody publishes, a job naming a
// connection that does not exist) are sent to each real queue; each must land in that queue's
// DLQ with the runtime's failure_code and failure_reason on its first receive (no retry storm),
// and the table must stay empty: nothing was written for any of them.

const ROOT = join(import.meta.dirname, "..", "..", "..");
const STAGE = "local";
const REGION = "eu-west-2";

type QueueId = "syncJobs" | "budgetRecalc" | "recurring" | "alertDispatch";
interface Consumer {
  service: string;
  queue: QueueId;
  boundary: Boundary;
  /** The detail-types it acts on (none: it reads SyncJobs). */
  accepts: readonly DetailType[];
  /** Messages this consumer can never process. */
  hopeless: fc.Arbitrary<string>;
}

/** A delivered event the consumer would act on (so it is not hopeless: it is left out). */
function actsOn(types: readonly DetailType[]) {
  return (body: string) => {
    try {
      return types.includes(parseDeliveredEvent(body).detailType);
    } catch {
      return false;
    }
  };
}

/** Valid envelopes of the consumer's own types but a detail version nobody publishes. */
function unknownVersion(types: readonly DetailType[]): fc.Arbitrary<string> {
  return fc
    .tuple(validEnvelopes(types), fc.constantFrom<unknown>(0, 2, 99, "1", null, 1.5))
    .map(([envelope, version]) => JSON.stringify({ ...(envelope as object), detail: { ...(envelope as { detail: object }).detail, version } }));
}

function eventConsumer(service: string, queue: QueueId, boundary: Boundary, types: readonly DetailType[]): Consumer {
  const acts = actsOn(types);
  return {
    service,
    queue,
    boundary,
    accepts: types,
    hopeless: fc
      .oneof({ weight: 4, arbitrary: hostileBody(validEnvelopes(ANY_TYPES)) }, { weight: 1, arbitrary: unknownVersion(types) })
      .filter((b) => !acts(b)),
  };
}

const CONSUMERS: Consumer[] = [
  {
    service: "sync-worker",
    queue: "syncJobs",
    boundary: "dlq-sync-worker",
    accepts: [],
    // The table is empty: even a well-formed job names a connection that does not exist.
    hopeless: fc.oneof(
      hostileBody(validSyncJob),
      validSyncJob.map((j) => JSON.stringify(j)),
    ),
  },
  eventConsumer("budget-recalc", "budgetRecalc", "dlq-budget-recalc", BUDGET_TYPES),
  eventConsumer("recurring-detector", "recurring", "dlq-recurring-detector", SYNC_TYPES),
  eventConsumer("alert-dispatch", "alertDispatch", "dlq-alert-dispatch", ALERT_TYPES),
];

/** Message attributes a hostile sender adds, including forged dead-letter ones. */
const hostileAttributes: fc.Arbitrary<Record<string, MessageAttributeValue>> = fc.dictionary(
  fc.oneof(fc.constantFrom("failure_code", "failure_reason", "correlation_id", "receive_count", "traceparent"), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)),
  fc.oneof(
    hostileText.map((t) => ({ DataType: "String", StringValue: sqsSafe(t) || "-" })),
    fc.integer().map((n) => ({ DataType: "Number", StringValue: String(n) })),
  ),
  { maxKeys: 4 },
);

let stack: LocalStack;
let running: RunningService[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  await resetForFile();
  const endpoint = emulatorEndpoint();
  stack = await provisionLocalStack(endpoint, STAGE, REGION);
  const ctx: DemoContext = {
    common: { STAGE, AWS_REGION: REGION, AWS_ENDPOINT_URL: endpoint, LOG_LEVEL: "warn" },
    // Never called: no hopeless message gets as far as the bank.
    truelayer: { authUrl: "http://127.0.0.1:9", dataUrl: "http://127.0.0.1:9/data/v1", clientId: "c", clientSecret: "s", jwksUrl: "http://127.0.0.1:9/jwks" },
    auth: { jwksUrl: "http://127.0.0.1:9/jwks", issuer: "i", audience: "a" },
    webhook: { port: 0, resultsSecret: "unused-secret-0123456789" },
    fcm: { port: 0, url: "http://127.0.0.1:9", keyFile: "" },
  };
  const logDir = join(ROOT, ".local", "hostile", "dead-letter");
  mkdirSync(logDir, { recursive: true });
  const health: string[] = [];
  for (const consumer of CONSUMERS) {
    const service = DEMO_SERVICES.find((s) => s.name === consumer.service);
    if (!service) throw new Error(`no ${consumer.service} in the demo's service registry`);
    const port = await freePort();
    health.push(`http://127.0.0.1:${port}/health/ready`);
    // No FCM key: alert-dispatch runs without push (nothing here reaches a channel anyway).
    const env = (c: DemoContext) => Object.fromEntries(Object.entries(service.env?.(c) ?? {}).filter(([k]) => !k.startsWith("FCM_")));
    running.push(startServiceProcess(ROOT, { ...service, instances: 1, env }, 1, ctx, logDir, { env: { HEALTH_PORT: String(port) } }));
  }
  await waitHealthy(health, running, 120_000);
}, 180_000);

afterAll(async () => {
  await stopServices(running);
  running = [];
});

/** Sends the bodies to the queue in batches of ten; returns each message id with its body. */
async function send(queueUrl: string, messages: { body: string; attributes: Record<string, MessageAttributeValue> }[]): Promise<Map<string, string>> {
  const sent = new Map<string, string>();
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const out = await stack.aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((m, k) => ({ Id: String(k), MessageBody: m.body, MessageAttributes: m.attributes })),
      }),
    );
    expect(out.Failed ?? [], "SQS accepted every hostile message").toEqual([]);
    for (const ok of out.Successful ?? []) sent.set(ok.MessageId as string, batch[Number(ok.Id)]?.body as string);
  }
  return sent;
}

const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;

const seed = Number(process.env.HOSTILE_SEED ?? Date.now() % 2 ** 31);
const PER_CONSUMER = runs(60);
const sent = new Map<QueueId, Map<string, string>>();
const dead = new Map<QueueId, Message[]>(CONSUMERS.map((c) => [c.queue, []]));

describe("hostile messages on every consumer's real queue, real worker processes", () => {
  beforeAll(async () => {
    const started = Date.now();
    for (const [i, c] of CONSUMERS.entries()) {
      const generated = fc.sample(fc.tuple(c.hopeless, hostileAttributes), { numRuns: PER_CONSUMER, seed: seed + i });
      sent.set(
        c.queue,
        await send(
          stack.handles.queues[c.queue].url,
          generated.map(([body, attributes]) => ({ body: sqsSafe(body) || "-", attributes })),
        ),
      );
    }
    await until(
      async () => {
        for (const c of CONSUMERS) dead.get(c.queue)?.push(...(await receiveAll(stack.aws.sqs, stack.handles.queues[c.queue].dlqUrl, { remove: true })));
        return CONSUMERS.every((c) => (dead.get(c.queue)?.length ?? 0) >= (sent.get(c.queue)?.size ?? 0));
      },
      { timeoutMs: 120_000, intervalMs: 500, message: `every hostile message dead-lettered (seed ${seed})` },
    ).catch((err: unknown) => {
      // Name what never arrived: the bodies a consumer retried or kept instead of dead-lettering.
      const missing = CONSUMERS.flatMap((c) => {
        const arrived = new Set(dead.get(c.queue)?.map((m) => attribute(m, "original_message_id")));
        return [...(sent.get(c.queue) ?? new Map<string, string>())]
          .filter(([id]) => !arrived.has(id))
          .map(([, body]) => `${c.service}: ${body.slice(0, 300)}`);
      });
      throw new Error(`${(err as Error).message}; not dead-lettered:\n${missing.join("\n")}`);
    });
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`dead-letter: ${PER_CONSUMER * CONSUMERS.length} hostile messages sent and dead-lettered in ${seconds.toFixed(1)} s (seed ${seed})\n`);
  }, 180_000);

  it.for(CONSUMERS)("$service: each lands in its DLQ on the first receive with the runtime's failure_code and failure_reason", (c, { task }) => {
    const mine = sent.get(c.queue) as Map<string, string>;
    const letters = dead.get(c.queue) as Message[];
    // Exactly the messages sent, each once.
    expect(letters.map((m) => attribute(m, "original_message_id")).sort(), `${c.service} (seed ${seed})`).toEqual([...mine.keys()].sort());
    for (const m of letters) {
      const body = mine.get(attribute(m, "original_message_id") as string);
      expect(m.Body, `${c.service}: the DLQ keeps the body as sent`).toBe(body);
      // The runtime's code (a forged attribute does not survive), with a reason, after one receive.
      expect(attribute(m, "failure_code"), `${c.service}: ${body?.slice(0, 200)}`).toMatch(/^[a-z_-]+\.[a-z_.]+$/);
      expect(attribute(m, "failure_reason")?.length).toBeGreaterThan(0);
      expect(attribute(m, "receive_count"), `${c.service}: dead-lettered on its first receive`).toBe("1");
      expect(attribute(m, "source_queue")).toBe(stack.handles.queues[c.queue].url);
    }
    record(task, c.boundary, letters.length);
  });

  it("nothing any of them wrote: the table is empty, no source queue holds a message for another round, every worker process still runs", async () => {
    expect(running.filter((r) => r.child.exitCode !== null || r.child.signalCode !== null).map((r) => `${r.name} (see ${r.log})`)).toEqual([]);
    // A worker's scheduled pass (alert-dispatch's deferred pass) holds its task lock item only
    // while it runs: read the table between passes. Any other item ends the wait and fails.
    let keys = await tableKeys();
    await until(
      async () => {
        keys = await tableKeys();
        return keys.length === 0 || keys.some((k) => !k.startsWith("LOCK#"));
      },
      { message: "a scan between the workers' scheduled passes" },
    ).catch(() => undefined);
    expect(keys).toEqual([]);
    for (const c of CONSUMERS) expect(await receiveAll(stack.aws.sqs, stack.handles.queues[c.queue].url), c.service).toEqual([]);
  });
});

/** Every item's key in the table, `PK SK`. */
async function tableKeys(): Promise<string[]> {
  const { Items = [] } = await stack.aws.doc.send(new ScanCommand({ TableName: stack.handles.tableName, ConsistentRead: true }));
  return Items.map((i) => `${i.PK} ${i.SK}`);
}

/** Queue depth including messages in flight: 0 once every message was settled. */
async function depth(queueUrl: string): Promise<number> {
  const { Attributes = {} } = await stack.aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

describe("valid events naming a user who does not exist", () => {
  const consumers = CONSUMERS.filter((c) => c.accepts.length > 0);

  it("are settled on their first receive and none of the consumers writes anything for them", async () => {
    const sentIds = new Map<QueueId, Set<string>>();
    const usersOf = new Map<QueueId, Set<string>>();
    for (const [i, c] of consumers.entries()) {
      const users = new Set<string>();
      const events = fc.sample(
        fc.tuple(fc.constantFrom(...c.accepts), fc.uuid({ version: 4 })).map(([type, id]) => {
          const userId = `u-nobody-${id}`;
          users.add(userId);
          return eventBridgeBody(validEvent(type, { eventId: id, userId } as never));
        }),
        { numRuns: runs(10), seed: seed + 100 + i },
      );
      usersOf.set(c.queue, users);
      sentIds.set(
        c.queue,
        new Set(
          (
            await send(
              stack.handles.queues[c.queue].url,
              events.map((body) => ({ body, attributes: {} })),
            )
          ).keys(),
        ),
      );
    }
    await until(async () => (await Promise.all(consumers.map((c) => depth(stack.handles.queues[c.queue].url)))).every((n) => n === 0), {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: `every event naming a missing user settled (seed ${seed})`,
    });
    for (const c of consumers) {
      for (const m of await receiveAll(stack.aws.sqs, stack.handles.queues[c.queue].dlqUrl, { remove: true })) {
        expect(sentIds.get(c.queue)?.has(attribute(m, "original_message_id") as string), c.service).toBe(true);
        expect(attribute(m, "receive_count"), `${c.service}: ${attribute(m, "failure_code")}`).toBe("1");
        expect(attribute(m, "failure_reason")?.length).toBeGreaterThan(0);
      }
    }
    const { Items = [] } = await stack.aws.doc.send(new ScanCommand({ TableName: stack.handles.tableName, ConsistentRead: true }));
    const itemsOf = (q: QueueId) => Items.filter((i) => usersOf.get(q)?.has(String(i.PK).slice("USER#".length)));
    expect(itemsOf("budgetRecalc").map((i) => `${i.PK} ${i.SK}`)).toEqual([]);
    expect(itemsOf("recurring").map((i) => `${i.PK} ${i.SK}`)).toEqual([]);
    // No profile: the user does not exist, and the dispatcher records no alert for them.
    expect(itemsOf("alertDispatch").map((i) => `${i.PK} ${i.SK}`)).toEqual([]);
  });
});
