import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { repoRoot } from "@expenzez/local-aws";
import { emulatorEndpoint, receiveAll, resetForFile, until } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createOutboxDeleteBatcher, defineQueueService, defineScheduledTask, outboxSweep, PermanentFailure, RetryLater, startTaskHost } from "../src/index";

// Needs the local AWS emulator (the vitest global setup starts moto).
let stack: LocalStack;
let env: Record<string, string>;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  env = { STAGE: "local", AWS_ENDPOINT_URL: emulatorEndpoint(), LOG_LEVEL: "silent" };
});

/** A queue service standing for a relay: writes an item per message, queues its delete for 10 minutes, flushes on drain. */
function relayStandIn(prefix: string) {
  return defineQueueService({
    name: "sync-worker",
    deps: (kit) => ({ db: kit.db, deletes: createOutboxDeleteBatcher(kit.relay, { maxDelayMs: 600_000 }) }),
    handle: async (message, deps) => {
      await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { PK: "OUTBOX#0", SK: `${prefix}-${message.body}` } }));
      deps.deletes.add([{ PK: "OUTBOX#0", SK: `${prefix}-${message.body}` }]);
    },
    drain: (deps) => deps.deletes.flush(),
  });
}

describe("defineQueueService", () => {
  it("runs a declared service as the long-polling worker on its catalogue queue, dead-lettering what can never succeed", async () => {
    // Prepare
    const handled: string[] = [];
    const service = defineQueueService({
      name: "sync-worker",
      deps: (kit) => ({ tableName: kit.db.tableName }),
      handle: async (message, deps) => {
        if (message.body === "bad") throw new PermanentFailure("test.bad", "never valid");
        handled.push(`${message.body}@${deps.tableName}`);
      },
    });
    const q = stack.handles.queues.syncJobs;
    await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    // Act
    const worker = await service.startWorker(env, { waitTimeSeconds: 1 });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: "hello" }));
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: "bad" }));
    await until(() => worker.stats.done === 1 && worker.stats.deadLettered === 1, { message: "one handled, one dead-lettered" });
    await worker.stop();
    // Assess
    expect(worker.runtime.queueUrl).toBe(q.url);
    expect(handled).toEqual([`hello@${stack.def.table.name}`]);
    const dead = await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(dead.map((m) => m.Body)).toEqual(["bad"]);
  });

  it("gives the worker its catalogue queue's maxReceiveCount: a message failing on its last receive is dead-lettered with retries_exhausted", async () => {
    // Prepare
    const receives: number[] = [];
    const service = defineQueueService({
      name: "budget-recalc",
      deps: () => ({}),
      handle: async (message) => {
        receives.push(message.receiveCount);
        throw new RetryLater("test.downstream_down", "still down", 0);
      },
    });
    const q = stack.handles.queues.budgetRecalc;
    await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    // Act
    const worker = await service.startWorker(env, { waitTimeSeconds: 1 });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: "evt" }));
    await until(() => worker.stats.deadLettered === 1, { timeoutMs: 30_000, message: "dead-lettered on its last receive" });
    await worker.stop();
    // Assess
    const { maxReceiveCount } = stack.def.queues.budgetRecalc;
    expect(receives).toEqual(Array.from({ length: maxReceiveCount }, (_, i) => i + 1));
    const [dead] = await receiveAll(stack.aws.sqs, q.dlqUrl, { remove: true });
    expect(dead?.MessageAttributes?.failure_code?.StringValue).toBe("retries_exhausted");
    expect(dead?.MessageAttributes?.failure_reason?.StringValue).toBe(`test.downstream_down: still down (receive ${maxReceiveCount} of ${maxReceiveCount})`);
  });

  it("runs the declared drain once the worker has stopped: deletes a batcher still holds go out at stop, not after its bound", async () => {
    // Prepare: a handler that stands for a relay, queueing the delete of an item it wrote
    const service = relayStandIn("drain");
    const q = stack.handles.queues.syncJobs;
    const worker = await service.startWorker(env, { waitTimeSeconds: 1 });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: "m1" }));
    await until(() => worker.stats.done === 1, { message: "handled" });
    const key = { PK: "OUTBOX#0", SK: "drain-m1" };
    const get = () => stack.aws.doc.send(new GetCommand({ TableName: stack.handles.tableName, Key: key, ConsistentRead: true }));
    expect((await get()).Item).toEqual(key);
    // Act
    await worker.stop();
    // Assess
    expect((await get()).Item).toBeUndefined();
    await worker.done;
  });

  it("as a Lambda handler runs the declared drain before each invocation returns: a frozen container holds no delete back", async () => {
    // Prepare: the same stand-in relay, as a Lambda would run it
    const service = relayStandIn("lambda");
    const handler = await service.lambdaHandler(env);
    const record = {
      messageId: "m-lambda",
      receiptHandle: "rh-lambda",
      body: "m2",
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(Date.now()) },
      eventSourceARN: "arn:aws:sqs:eu-west-2:000000000000:sync-jobs",
    };
    // Act
    const response = await handler({ Records: [record] });
    // Assess: written and deleted within the invocation
    expect(response.batchItemFailures).toEqual([]);
    const key = { PK: "OUTBOX#0", SK: "lambda-m2" };
    const { Item } = await stack.aws.doc.send(new GetCommand({ TableName: stack.handles.tableName, Key: key, ConsistentRead: true }));
    expect(Item).toBeUndefined();
  });

  it("as a Lambda handler watches the invocation's deadline from Lambda's context: with too little time left no record runs, it is handed back at once", async () => {
    // Prepare: a job received as Lambda's poller would, hidden for 60 s; an invocation with 3 s left (under the 5 s stop margin)
    const service = relayStandIn("late");
    const handler = await service.lambdaHandler(env);
    const q = stack.handles.queues.syncJobs;
    await receiveAll(stack.aws.sqs, q.url, { remove: true });
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: "m3" }));
    const { Messages } = await stack.aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 5, VisibilityTimeout: 60 }));
    const m = Messages![0]!;
    const record = {
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: "1" },
      eventSourceARN: "arn:aws:sqs:eu-west-2:000000000000:sync-jobs",
    };
    const endsAt = Date.now() + 3_000;
    // Act
    const response = await handler({ Records: [record] }, { getRemainingTimeInMillis: () => endsAt - Date.now() });
    // Assess: reported, not run, and receivable again now rather than in 60 s
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: m.MessageId }]);
    const { Item } = await stack.aws.doc.send(
      new GetCommand({ TableName: stack.handles.tableName, Key: { PK: "OUTBOX#0", SK: "late-m3" }, ConsistentRead: true }),
    );
    expect(Item).toBeUndefined();
    const again = await receiveAll(stack.aws.sqs, q.url, { remove: true });
    expect(again.map((a) => a.Body)).toEqual(["m3"]);
  });

  it("refuses a name the catalogue does not declare as a queue service", () => {
    expect(() => defineQueueService({ name: "outbox-sweep", deps: () => ({}), handle: async () => {} })).toThrow(/not a queue consumer/);
  });
});

describe("defineScheduledTask", () => {
  it("never runs one task twice at once: a second host finds it locked, and runs it once the first is done", async () => {
    // Prepare
    let running = 0;
    let most = 0;
    const task = defineScheduledTask({
      name: "outbox-sweep",
      deps: () => ({}),
      run: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 400));
        running--;
        return "swept";
      },
    });
    const [a, b] = await Promise.all([task.createRuntime(env), task.createRuntime(env)]);
    // Act
    const outcomes = await Promise.all([task.runOnce(a), task.runOnce(b)]);
    const after = await task.runOnce(b);
    // Assess
    expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
    expect(most).toBe(1);
    expect(after).toEqual({ ran: true, result: "swept" });
  });

  it("a daily pass that died holding its lock (a Lambda killed at its timeout) does not keep the next day's pass from running", async () => {
    // Prepare: recurring-missed runs once a day; its first pass never returns, as a function
    // stopped by its timeout never reaches the release.
    let firstPassStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      firstPassStarted = resolve;
    });
    const task = defineScheduledTask({
      name: "recurring-missed",
      deps: () => ({}),
      run: async (_deps, { now }) => {
        if (now.getTime() !== dayOne.getTime()) return "ran";
        firstPassStarted();
        return new Promise<never>(() => {});
      },
    });
    const dayOne = new Date("2026-12-01T03:00:00Z");
    const runtime = await task.createRuntime(env);
    void task.runOnce(runtime, { now: dayOne });
    // Only once that pass runs (holding the lock): a second day-one pass tried before it could win the lock and hang.
    await started;
    expect(await task.runOnce(runtime, { now: dayOne })).toEqual({ ran: false, reason: "locked" });
    // Act
    const nextDay = await task.runOnce(runtime, { now: new Date(dayOne.getTime() + 86_400_000) });
    // Assess
    expect(nextDay).toEqual({ ran: true, result: "ran" });
  });

  it("a task host is handed back while its tasks keep running on their interval, and stops them", async () => {
    // Prepare
    let passes = 0;
    const task = defineScheduledTask({
      name: "outbox-sweep",
      deps: () => ({}),
      run: async () => {
        passes++;
      },
    });
    // Act: resolves at once (not when the loops end), so a worker can run beside it.
    const host = await startTaskHost([task], { env, everyMs: { "outbox-sweep": 50 } });
    await until(() => passes >= 3, { message: "three passes" });
    await host.stop();
    const stopped = passes;
    await new Promise((r) => setTimeout(r, 200));
    // Assess
    expect(host.runs["outbox-sweep"]).toBe(stopped);
    expect(passes).toBe(stopped);
  });

  it("the outbox sweep publishes an event whose writer was killed between the commit and the relay", async () => {
    // Prepare: a separate process commits a TransactionsSynced to the outbox, then SIGKILLs itself.
    const budget = stack.handles.queues.budgetRecalc;
    await receiveAll(stack.aws.sqs, budget.url, { remove: true });
    const writer = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "fixtures", "commit-then-die.ts")], {
      cwd: repoRoot(),
      env: { ...process.env, AWS_ENDPOINT_URL: emulatorEndpoint(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      encoding: "utf8",
    });
    expect(writer.signal).toBe("SIGKILL");
    const eventId = writer.stdout.trim();
    // Act
    const runtime = await outboxSweep.createRuntime(env);
    const outcome = await outboxSweep.runOnce(runtime);
    // Assess
    expect(outcome).toEqual({ ran: true, result: { published: 1, overdue: 1 } });
    const delivered = await receiveAll(stack.aws.sqs, budget.url, { remove: true });
    const details = delivered.map((m) => JSON.parse(m.Body ?? "{}").detail);
    expect(details.map((d) => d.eventId)).toEqual([eventId]);
    expect(await outboxSweep.runOnce(runtime)).toEqual({ ran: true, result: { published: 0, overdue: 0 } });
  });
});
