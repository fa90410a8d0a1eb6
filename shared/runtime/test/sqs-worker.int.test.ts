import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type LocalStack, provisionLocalStack } from "@expenzez/infra";
import { createLogger } from "@expenzez/logger";
import { emulatorEndpoint, receiveAll, resetForFile, until as untilWith } from "@expenzez/testing";

const until = (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => untilWith(check, { timeoutMs });

import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DEFERRALS_ATTRIBUTE,
  DeferMessage,
  DLQ_ATTRIBUTES,
  MAX_DEFERRALS,
  type MessageHandler,
  PermanentFailure,
  RETRIES_EXHAUSTED,
  RetryLater,
  RUNTIME_METRICS,
  type SqsEventRecord,
  StopRequestedError,
  sleepUnlessAborted,
  startWorker,
  toSqsLambdaHandler,
  type Worker,
  WorkerOptionsError,
} from "../src/index";

let stack: LocalStack;
let sqs: SQSClient;
let queueUrl: string;
let dlqUrl: string;
const log = createLogger("test", { level: "silent" });
let worker: Worker | undefined;

beforeAll(async () => {
  await resetForFile();
  stack = await provisionLocalStack(emulatorEndpoint());
  sqs = stack.aws.sqs;
  ({ url: queueUrl, dlqUrl } = stack.handles.queues.budgetRecalc);
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  // Drain both queues so tests stay independent.
  for (const url of [queueUrl, dlqUrl]) await receiveAll(sqs, url, { remove: true });
});

/**
 * What reached the DLQ, removed as it is read: a message only received would come back after the
 * DLQ's visibility timeout, into a later test's reading (the afterEach drain cannot see it then).
 */
async function deadLetters(expected = 1): Promise<Message[]> {
  const got: Message[] = [];
  await untilWith(async () => {
    got.push(...(await receiveAll(sqs, dlqUrl, { remove: true })));
    return got.length >= expected;
  });
  return got;
}

async function count(url: string): Promise<number> {
  const a = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(a.Attributes?.ApproximateNumberOfMessages) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

const send = (body: string) =>
  sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, MessageAttributes: { correlation_id: { DataType: "String", StringValue: "corr-1" } } }),
  );

describe("startWorker on moto", () => {
  it("handles messages and deletes them", async () => {
    const seen: string[] = [];
    await Promise.all(["a", "b", "c"].map(send));
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 10, waitTimeSeconds: 1, log, handler: async (m) => void seen.push(m.body) });
    await until(() => seen.length === 3);
    await worker.stop();
    expect(seen.sort()).toEqual(["a", "b", "c"]);
    expect(worker.stats.done).toBe(3);
    expect(await count(queueUrl)).toBe(0);
  });

  it("dead-letters a permanent failure at once, with its reason and the original attributes", async () => {
    await send("not-a-sync-job");
    const attempts: number[] = [];
    worker = startWorker({
      sqs,
      queueUrl,
      dlqUrl,
      visibilityTimeoutSeconds: 10,
      waitTimeSeconds: 1,
      log,
      handler: async (m) => {
        attempts.push(m.receiveCount);
        throw new PermanentFailure("sync.invalid_job", "body is not a SyncJob");
      },
    });
    await until(() => worker!.stats.deadLettered === 1);
    await worker.stop();
    expect(attempts).toEqual([1]);
    const dead = { Messages: await deadLetters() };
    const message = dead.Messages![0]!;
    expect(message.Body).toBe("not-a-sync-job");
    expect(message.MessageAttributes?.[DLQ_ATTRIBUTES.code]?.StringValue).toBe("sync.invalid_job");
    expect(message.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue).toBe("body is not a SyncJob");
    expect(message.MessageAttributes?.correlation_id?.StringValue).toBe("corr-1");
    expect(await count(queueUrl)).toBe(0);
  });

  it("retries a transient failure after the delay it asked for, then succeeds", async () => {
    await send("flaky");
    const attempts: { n: number; at: number }[] = [];
    worker = startWorker({
      sqs,
      queueUrl,
      dlqUrl,
      visibilityTimeoutSeconds: 10,
      waitTimeSeconds: 1,
      log,
      handler: async (m) => {
        attempts.push({ n: m.receiveCount, at: Date.now() });
        if (m.receiveCount === 1) throw new RetryLater("truelayer.provider_error", "503", 2);
      },
    });
    await until(() => worker!.stats.done === 1);
    await worker.stop();
    expect(attempts.map((a) => a.n)).toEqual([1, 2]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1900);
    expect(worker.stats.retried).toBe(1);
    expect(await count(queueUrl)).toBe(0);
  });

  it("dead-letters a message still failing on the queue's last allowed receive, with retries_exhausted and the last error", async () => {
    const { maxReceiveCount } = stack.def.queues.budgetRecalc;
    await send("bank-down");
    const attempts: number[] = [];
    worker = startWorker({
      sqs,
      queueUrl,
      dlqUrl,
      visibilityTimeoutSeconds: 10,
      waitTimeSeconds: 1,
      maxReceiveCount,
      log,
      random: () => 0, // no backoff: the five receives come at once
      handler: async (m) => {
        attempts.push(m.receiveCount);
        throw new RetryLater("truelayer.provider_error", `503 on receive ${m.receiveCount}`, 0);
      },
    });
    await until(() => worker!.stats.deadLettered === 1, 30_000);
    await worker.stop();
    expect(attempts).toEqual([1, 2, 3, 4, 5].slice(0, maxReceiveCount));
    expect(worker.stats.retried).toBe(maxReceiveCount - 1);
    const dead = { Messages: await deadLetters() };
    const message = dead.Messages![0]!;
    expect(message.Body).toBe("bank-down");
    expect(message.MessageAttributes?.[DLQ_ATTRIBUTES.code]?.StringValue).toBe(RETRIES_EXHAUSTED);
    expect(message.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue).toBe(
      `truelayer.provider_error: 503 on receive ${maxReceiveCount} (receive ${maxReceiveCount} of ${maxReceiveCount})`,
    );
    expect(message.MessageAttributes?.[DLQ_ATTRIBUTES.receiveCount]?.StringValue).toBe(String(maxReceiveCount));
    expect(await count(queueUrl)).toBe(0);
  });

  it("defers a message that cannot run yet: a delayed copy with its attributes and a deferral count, no receive spent", async () => {
    await send("wait-for-lease");
    const seen: { receiveCount: number; deferrals?: string; correlation?: string; at: number }[] = [];
    worker = startWorker({
      sqs,
      queueUrl,
      dlqUrl,
      visibilityTimeoutSeconds: 10,
      waitTimeSeconds: 1,
      log,
      handler: async (m) => {
        seen.push({ receiveCount: m.receiveCount, deferrals: m.attributes[DEFERRALS_ATTRIBUTE], correlation: m.attributes.correlation_id, at: Date.now() });
        if (seen.length < 3) throw new DeferMessage("sync.lease_held", "held by another delivery", 1);
      },
    });
    await until(() => worker!.stats.done === 1);
    await worker.stop();
    expect(seen.map(({ receiveCount, deferrals, correlation }) => ({ receiveCount, deferrals, correlation }))).toEqual([
      { receiveCount: 1, deferrals: undefined, correlation: "corr-1" },
      { receiveCount: 1, deferrals: "1", correlation: "corr-1" },
      { receiveCount: 1, deferrals: "2", correlation: "corr-1" },
    ]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(900);
    expect(worker.stats).toMatchObject({ deferred: 2, retried: 0, deadLettered: 0 });
    expect(await count(queueUrl)).toBe(0);
  });

  it("past its deferral bound, a deferred message is retried like any other and spends its receives", async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: "waited-too-long",
        MessageAttributes: { [DEFERRALS_ATTRIBUTE]: { DataType: "Number", StringValue: String(MAX_DEFERRALS) } },
      }),
    );
    const receives: number[] = [];
    worker = startWorker({
      sqs,
      queueUrl,
      dlqUrl,
      visibilityTimeoutSeconds: 10,
      waitTimeSeconds: 1,
      maxReceiveCount: 2,
      log,
      handler: async (m) => {
        receives.push(m.receiveCount);
        throw new DeferMessage("sync.lease_held", "still held", 0);
      },
    });
    await until(() => worker!.stats.deadLettered === 1, 20_000);
    await worker.stop();
    expect(receives).toEqual([1, 2]);
    expect(worker.stats).toMatchObject({ deferred: 0, retried: 1 });
    const dead = { Messages: await deadLetters() };
    expect(dead.Messages?.[0]?.MessageAttributes?.[DLQ_ATTRIBUTES.code]?.StringValue).toBe(RETRIES_EXHAUSTED);
    expect(dead.Messages?.[0]?.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue).toBe("sync.lease_held: still held (receive 2 of 2)");
  });

  it("keeps a slow message invisible with a heartbeat, so no second worker takes it", async () => {
    await send("slow");
    const runs: string[] = [];
    const slow: MessageHandler = async (m) => {
      runs.push(m.messageId);
      await new Promise((r) => setTimeout(r, 4500));
    };
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 2, heartbeatSeconds: 1, waitTimeSeconds: 1, log, handler: slow });
    const second = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 2, heartbeatSeconds: 1, waitTimeSeconds: 1, log, handler: slow });
    await until(() => worker!.stats.done + second.stats.done === 1, 20_000);
    await second.stop();
    expect(runs).toHaveLength(1);
  });

  it("keeps a finished message invisible until its poll's batch delete, however slow its batch-mates", async () => {
    // Prepare: one poll takes a fast and a slow message; another worker polls meanwhile.
    await Promise.all(["fast", "slow"].map(send));
    const runs: string[] = [];
    const handler: MessageHandler = async (m) => {
      runs.push(m.body);
      if (m.body === "slow") await new Promise((r) => setTimeout(r, 4500));
    };
    const options = { sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 2, heartbeatSeconds: 1, waitTimeSeconds: 1, log, handler };
    worker = startWorker(options);
    await until(() => runs.length === 2);
    const second = startWorker(options);
    // Act
    await until(() => worker!.stats.done === 2, 20_000);
    await second.stop();
    // Assess: "fast" was not handed to the second worker while it waited for "slow".
    expect(runs.sort()).toEqual(["fast", "slow"]);
    expect(await count(queueUrl)).toBe(0);
  });

  it("keeps the other slots busy while one message is slow: a free slot polls again at once", async () => {
    // Prepare: two slots; one slow message and four quick ones behind it.
    await send("slow");
    const finished: string[] = [];
    const handler: MessageHandler = async (m) => {
      if (m.body === "slow") await new Promise((r) => setTimeout(r, 6000));
      finished.push(m.body);
    };
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 10, waitTimeSeconds: 1, concurrency: 2, log, handler });
    await new Promise((r) => setTimeout(r, 300));
    // Act
    await Promise.all(["q1", "q2", "q3", "q4"].map(send));
    await until(() => finished.length === 4, 5500);
    // Assess: all four quick ones ran on the second slot while the slow one still held the first.
    expect(finished.sort()).toEqual(["q1", "q2", "q3", "q4"]);
    await until(() => worker!.stats.done === 5, 15_000);
    await until(async () => (await count(queueUrl)) === 0, 5000);
  });

  it("abandons a handler that runs past the handler timeout, aborts its signal and retries its message", async () => {
    // Prepare: a handler that hangs on its first delivery.
    await send("hang");
    let aborted = false;
    const deliveries: number[] = [];
    const handler: MessageHandler = async (m, { signal }) => {
      deliveries.push(m.receiveCount);
      if (m.receiveCount === 1) {
        signal.addEventListener("abort", () => {
          aborted = true;
        });
        await new Promise(() => {});
      }
    };
    // Act
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 5, waitTimeSeconds: 1, handlerTimeoutSeconds: 1, log, handler, random: () => 0 });
    await until(() => worker!.stats.done === 1, 15_000);
    // Assess
    expect(aborted).toBe(true);
    expect(worker.stats.retried).toBe(1);
    expect(deliveries).toEqual([1, 2]);
  });

  it("on stop, gives back what the last long poll took instead of running it with an aborted signal", async () => {
    // Prepare: a worker waiting in a long poll.
    const runs: string[] = [];
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 30, waitTimeSeconds: 3, log, handler: async (m) => void runs.push(m.body) });
    await new Promise((r) => setTimeout(r, 300));
    // Act: stop, and a message arrives while that poll is still open.
    const stopped = worker.stop();
    await send("late");
    await stopped;
    // Assess: not handled, and visible to the next worker at once (not hidden for 30 s).
    expect(runs).toEqual([]);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(again.Messages?.map((m) => m.Body)).toEqual(["late"]);
  });

  it("on stop, asks a running handler to stop: one that honours it has its message visible again at once, no backoff", async () => {
    // Prepare: a handler that waits for the stop (or 20 s), a backoff that would be about 2 s
    await send("long-run");
    let running = false;
    let reason: unknown;
    const handler: MessageHandler = async (_m, { signal }) => {
      running = true;
      await sleepUnlessAborted(20_000, signal);
      reason = signal.reason;
      signal.throwIfAborted();
    };
    worker = startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 30, waitTimeSeconds: 1, log, handler, random: () => 0.99 });
    await until(() => running);
    // Act
    await worker.stop();
    // Assess: the stop's own reason, and the message receivable now, not after a backoff or 30 s
    expect(reason).toBeInstanceOf(StopRequestedError);
    expect((reason as StopRequestedError).why).toBe("shutdown");
    expect(worker.stats.retried).toBe(1);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(again.Messages?.map((m) => m.Body)).toEqual(["long-run"]);
  });

  it("refuses a heartbeat that is not shorter than the visibility timeout", () => {
    expect(() => startWorker({ sqs, queueUrl, dlqUrl, visibilityTimeoutSeconds: 5, heartbeatSeconds: 5, log, handler: async () => {} })).toThrow(
      WorkerOptionsError,
    );
  });
});

/** `n` messages received as Lambda's poller would, hidden for `visibilitySeconds`, as event records. */
async function receiveRecords(n: number, visibilitySeconds: number): Promise<SqsEventRecord[]> {
  const received: Message[] = [];
  await untilWith(async () => {
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    received.push(...(got.Messages ?? []));
    return received.length >= n;
  });
  return received.map((m) => ({
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1" },
    eventSourceARN: stack.handles.queues.budgetRecalc.arn,
  }));
}

/** A Lambda context whose function times out `ms` from now. */
function endingIn(ms: number): { getRemainingTimeInMillis(): number } {
  const endsAt = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()) };
}

/** What comes back to a receiver within `timeoutMs` (removed): far less than the 60 s the records were hidden for. */
async function receivableSoon(expected: number, timeoutMs = 10_000): Promise<string[]> {
  const back: Message[] = [];
  await until(async () => {
    back.push(...(await receiveAll(sqs, queueUrl, { remove: true })));
    return back.length >= expected;
  }, timeoutMs);
  return back.map((m) => m.Body!).sort();
}

describe("toSqsLambdaHandler's deadline", () => {
  it("asks the running handler to stop before the function's timeout, starts no further record, and hands every unfinished one back at once", async () => {
    // Prepare: three records hidden for 60 s; the first handler waits for the stop (6 s without one)
    await Promise.all(["first", "second", "third"].map(send));
    const records = (await receiveRecords(3, 60)).sort((a, b) => Number(b.body === "first") - Number(a.body === "first"));
    const started: string[] = [];
    let reason: unknown;
    const lines: string[] = [];
    const metricLog = createLogger("budget-recalc", { level: "info", destination: { write: (l) => void lines.push(l) } });
    const lambda = toSqsLambdaHandler(
      async (m, { signal }) => {
        started.push(m.body);
        await sleepUnlessAborted(6_000, signal);
        reason = signal.reason;
        signal.throwIfAborted();
      },
      { sqs, queueUrl, dlqUrl, log: metricLog, stopBeforeTimeoutMs: 2_000, settleMs: 500 },
    );
    // Act: an invocation with 4 s left
    const context = endingIn(4_000);
    const response = await lambda({ Records: records }, context);
    // Assess: stopped with the deadline's reason, in time, the other two never started, all three back now
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(started).toEqual(["first"]);
    expect(reason).toBeInstanceOf(StopRequestedError);
    expect((reason as StopRequestedError).why).toBe("deadline");
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(records.map((r) => r.messageId).sort());
    expect(await receivableSoon(3)).toEqual(["first", "second", "third"]);
    // Counted as stopped (the one it ran and the two it never started), none as a handler error
    const metrics = lines.map((l) => JSON.parse(l) as Record<string, number>);
    expect(metrics.reduce((n, m) => n + (m[RUNTIME_METRICS.stopped] ?? 0), 0)).toBe(3);
    expect(metrics.some((m) => RUNTIME_METRICS.handlerErrors in m)).toBe(false);
  });

  it("abandons a handler that ignores the stop once only the settle margin is left, and hands its record back", async () => {
    // Prepare: a handler that takes 8 s whatever it is told
    await send("stubborn");
    const records = await receiveRecords(1, 60);
    const lambda = toSqsLambdaHandler(() => new Promise<void>((resolve) => setTimeout(resolve, 8_000).unref()), {
      sqs,
      queueUrl,
      dlqUrl,
      log,
      stopBeforeTimeoutMs: 1_500,
      settleMs: 1_000,
    });
    // Act: 2.5 s left
    const context = endingIn(2_500);
    const response = await lambda({ Records: records }, context);
    // Assess: answered before the timeout, the record reported and visible again
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[0]!.messageId }]);
    expect(await receivableSoon(1)).toEqual(["stubborn"]);
  });

  it("runs every record to the end when the invocation has time: a handler is never asked to stop early", async () => {
    await Promise.all(["a", "b"].map(send));
    const records = await receiveRecords(2, 60);
    let aborted = false;
    const lambda = toSqsLambdaHandler(
      async (_m, { signal }) => {
        await new Promise((r) => setTimeout(r, 50));
        aborted ||= signal.aborted;
      },
      { sqs, queueUrl, dlqUrl, log },
    );
    const response = await lambda({ Records: records }, endingIn(60_000));
    expect(response.batchItemFailures).toEqual([]);
    expect(aborted).toBe(false);
  });
});

describe("toSqsLambdaHandler on moto", () => {
  it("reports only retryable failures, dead-letters permanent ones and passes successes", async () => {
    await Promise.all(["ok", "bad", "later"].map(send));
    const received = [];
    while (received.length < 3) {
      const got = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
      );
      received.push(...(got.Messages ?? []));
    }
    const records = received.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? "1" },
      eventSourceARN: stack.handles.queues.budgetRecalc.arn,
    }));
    expect(records).toHaveLength(3);
    const lambda = toSqsLambdaHandler(
      async (m) => {
        if (m.body === "bad") throw new PermanentFailure("x.invalid", "never");
        if (m.body === "later") throw new Error("transient");
      },
      { sqs, queueUrl, dlqUrl, log },
    );
    const response = await lambda({ Records: records });
    const later = records.find((r) => r.body === "later")!;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: later.messageId }]);
    const dead = { Messages: await deadLetters() };
    expect(dead.Messages?.map((m) => m.Body)).toEqual(["bad"]);
  });

  it("reports a deferred message as processed once its delayed copy, with the deferral count, is on the queue", async () => {
    await send("lease-held");
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    const m = got.Messages![0]!;
    const lambda = toSqsLambdaHandler(
      async () => {
        throw new DeferMessage("sync.lease_held", "held", 1);
      },
      { sqs, queueUrl, dlqUrl, log },
    );
    const response = await lambda({
      Records: [
        {
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body!,
          attributes: { ApproximateReceiveCount: "1" },
          messageAttributes: { correlation_id: { stringValue: "corr-1", dataType: "String" } },
          eventSourceARN: stack.handles.queues.budgetRecalc.arn,
        },
      ],
    });
    expect(response.batchItemFailures).toEqual([]);
    // The copy is delayed by a second; the original is Lambda's to delete (not done here).
    const copies: Awaited<ReturnType<typeof receiveAll>> = [];
    await until(async () => {
      copies.push(...(await receiveAll(sqs, queueUrl, { remove: true })));
      return copies.some((c) => c.MessageAttributes?.[DEFERRALS_ATTRIBUTE]);
    });
    const copy = copies.find((c) => c.MessageAttributes?.[DEFERRALS_ATTRIBUTE]);
    expect(copy?.Body).toBe("lease-held");
    expect(copy?.MessageAttributes?.[DEFERRALS_ATTRIBUTE]?.StringValue).toBe("1");
    expect(copy?.MessageAttributes?.correlation_id?.StringValue).toBe("corr-1");
  });

  it("dead-letters a transient failure on the last allowed receive instead of reporting it for a retry", async () => {
    await send("still-down");
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"] }),
    );
    const m = got.Messages![0]!;
    const { maxReceiveCount } = stack.def.queues.budgetRecalc;
    const lambda = toSqsLambdaHandler(
      async () => {
        throw new Error("socket hang up");
      },
      { sqs, queueUrl, dlqUrl, maxReceiveCount, log },
    );
    // Lambda hands over SQS's own count; the fifth receive is the last the redrive policy allows.
    const record = (receiveCount: number) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: String(receiveCount) },
      eventSourceARN: stack.handles.queues.budgetRecalc.arn,
    });
    expect((await lambda({ Records: [record(maxReceiveCount - 1)] })).batchItemFailures).toEqual([{ itemIdentifier: m.MessageId }]);
    expect((await lambda({ Records: [record(maxReceiveCount)] })).batchItemFailures).toEqual([]);
    const dead = { Messages: await deadLetters() };
    expect(
      dead.Messages?.map((d) => [d.Body, d.MessageAttributes?.[DLQ_ATTRIBUTES.code]?.StringValue, d.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue]),
    ).toEqual([["still-down", RETRIES_EXHAUSTED, `Error: socket hang up (receive ${maxReceiveCount} of ${maxReceiveCount})`]]);
  });
});
