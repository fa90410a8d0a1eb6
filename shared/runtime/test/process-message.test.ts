import { createLogger } from "@expenzez/logger";
import { describe, expect, it } from "vitest";
import {
  correlationIdOf,
  DEFERRALS_ATTRIBUTE,
  MAX_DEFERRALS,
  PermanentFailure,
  processMessage,
  type QueueMessage,
  RETRIES_EXHAUSTED,
  RUNTIME_METRICS,
  StopRequestedError,
  toSqsLambdaHandler,
} from "../src/index";

function capture() {
  const lines: string[] = [];
  const log = createLogger("budget-recalc", { level: "debug", destination: { write: (l) => lines.push(l) } });
  return { log, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const message = (over: Partial<QueueMessage> = {}): QueueMessage => ({
  messageId: "m-1",
  body: "{}",
  receiveCount: 1,
  receiptHandle: "rh",
  attributes: {},
  ...over,
});
const eventBody = (correlationId?: string) =>
  JSON.stringify({
    id: "eb-1",
    source: "expenzez.sync",
    "detail-type": "TransactionsSynced",
    detail: { eventId: "e-1", ...(correlationId ? { correlationId } : {}) },
  });

describe("correlationIdOf", () => {
  it("takes the message attribute first, then a job body's field, then an EventBridge detail's", () => {
    expect(correlationIdOf(message({ attributes: { correlationId: "attr-1" }, body: eventBody("detail-1") }))).toBe("attr-1");
    expect(correlationIdOf(message({ body: JSON.stringify({ jobId: "j-1", correlationId: "job-1" }) }))).toBe("job-1");
    expect(correlationIdOf(message({ body: eventBody("detail-1") }))).toBe("detail-1");
  });

  it("finds none in a body without one, a body that is not JSON, or a value past 128 characters", () => {
    expect(correlationIdOf(message({ body: eventBody() }))).toBeUndefined();
    expect(correlationIdOf(message({ body: '{"correlationId": nope' }))).toBeUndefined();
    expect(correlationIdOf(message({ body: JSON.stringify({ correlationId: "x".repeat(129) }) }))).toBeUndefined();
    expect(correlationIdOf(message({ body: JSON.stringify({ correlationId: 42 }) }))).toBeUndefined();
  });
});

describe("processMessage logging and metrics", () => {
  const signal = new AbortController().signal;

  it("binds the message's correlation id to every line the handler writes and to its metrics", async () => {
    const { log, entries } = capture();
    await processMessage(
      async (_m, ctx) => {
        ctx.log.info("working");
      },
      message({ body: eventBody("corr-9"), sentAt: 1_000 }),
      { log, signal, now: () => 3_500 },
    );
    const lines = entries();
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatchObject({ correlationId: "corr-9", messageId: "m-1", service: "budget-recalc" });
    const metrics = lines.find((l) => "_aws" in l);
    expect(metrics).toMatchObject({ [RUNTIME_METRICS.queueLag]: 2_500, [RUNTIME_METRICS.handlerDuration]: 0 });
  });

  it("counts a failure by its error code, as a dimension, with the disposition beside it", async () => {
    const { log, entries } = capture();
    const disposition = await processMessage(
      async () => {
        throw new PermanentFailure("budget.invalid_event", "not for us");
      },
      message({ attributes: { correlationId: "corr-err" } }),
      { log, signal },
    );
    expect(disposition.kind).toBe("dead");
    const errors = entries().find((l) => RUNTIME_METRICS.handlerErrors in l) as Record<string, never> & {
      _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] };
    };
    expect(errors).toMatchObject({ errorCode: "budget.invalid_event", disposition: "dead", correlationId: "corr-err", [RUNTIME_METRICS.handlerErrors]: 1 });
    expect(errors._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["service", "errorCode"], ["service"]]);
    const failureLine = entries().find((l) => l.msg === "message can never succeed: dead-lettering");
    expect(failureLine?.correlationId).toBe("corr-err");
  });
});

describe("processMessage when the runtime asked the handler to stop", () => {
  const stopped = () => {
    const controller = new AbortController();
    controller.abort(new StopRequestedError("deadline"));
    return controller.signal;
  };
  const honours = async (_m: QueueMessage, ctx: { signal: AbortSignal }) => ctx.signal.throwIfAborted();

  it("hands the message back at once, counted as stopped, not as a handler error", async () => {
    const { log, entries } = capture();
    const disposition = await processMessage(honours, message(), { log, signal: stopped(), maxReceiveCount: 5 });
    expect(disposition).toEqual({ kind: "retry", delaySeconds: 0, code: "runtime.stop_requested", reason: expect.stringContaining("timeout") });
    expect(entries().some((l) => RUNTIME_METRICS.stopped in l)).toBe(true);
    expect(entries().some((l) => RUNTIME_METRICS.handlerErrors in l)).toBe(false);
  });

  it("on the queue's last allowed receive, sends it back as a copy instead of letting SQS's redrive take it without a reason", async () => {
    const { log } = capture();
    const last = await processMessage(honours, message({ receiveCount: 5 }), { log, signal: stopped(), maxReceiveCount: 5 });
    expect(last).toMatchObject({ kind: "defer", code: "runtime.stop_requested" });
    // Past the deferral bound, the DLQ with its reason, as for any wait that never ends.
    const bounded = message({ receiveCount: 5, attributes: { [DEFERRALS_ATTRIBUTE]: String(MAX_DEFERRALS) } });
    expect(await processMessage(honours, bounded, { log, signal: stopped(), maxReceiveCount: 5 })).toMatchObject({ kind: "dead", code: RETRIES_EXHAUSTED });
  });

  it("still dead-letters a permanent failure thrown after the stop: the verdict is the message's", async () => {
    const { log } = capture();
    const disposition = await processMessage(
      async () => {
        throw new PermanentFailure("x.invalid", "never");
      },
      message(),
      { log, signal: stopped() },
    );
    expect(disposition).toMatchObject({ kind: "dead", code: "x.invalid" });
  });
});

describe("the Lambda adapter", () => {
  it("reads SQS's SentTimestamp and the correlation attribute from the event record, so Lambda emits the same QueueLag line", async () => {
    const { log, entries } = capture();
    const handler = toSqsLambdaHandler(
      async (_m, ctx) => {
        ctx.log.info("working");
      },
      { sqs: {} as never, queueUrl: "q", dlqUrl: "dlq", log },
    );
    const sentAt = Date.now() - 5_000;
    const result = await handler({
      Records: [
        {
          messageId: "m-l",
          receiptHandle: "rh",
          body: "{}",
          attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(sentAt) },
          messageAttributes: { correlationId: { stringValue: "corr-lambda", dataType: "String" } },
          eventSourceARN: "arn:aws:sqs:eu-west-2:000000000000:q",
        },
      ],
    });
    expect(result.batchItemFailures).toEqual([]);
    const metrics = entries().find((l) => RUNTIME_METRICS.queueLag in l);
    expect(metrics).toMatchObject({ correlationId: "corr-lambda", messageId: "m-l" });
    expect(metrics?.[RUNTIME_METRICS.queueLag]).toBeGreaterThanOrEqual(5_000);
    expect(entries().find((l) => l.msg === "working")?.correlationId).toBe("corr-lambda");
  });
});
