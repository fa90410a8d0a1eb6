import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import type { LocalStack } from "@expenzez/infra";
import { DEFERRALS_ATTRIBUTE, DLQ_ATTRIBUTES, MAX_DEFERRALS, sendToDeadLetter } from "@expenzez/runtime";
import { receiveAll } from "@expenzez/testing";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { inspectDeadLetter, listDeadLetters, type OpsContext, redriveDeadLetters, runCli } from "../src/index";
import { captureIo, freshStack } from "./helpers";

let stack: LocalStack;
let ctx: OpsContext;

beforeAll(async () => {
  ({ stack, ctx } = await freshStack());
});

const q = () => stack.handles.queues.budgetRecalc;

async function depth(url: string): Promise<number> {
  const out = await stack.aws.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(out.Attributes?.ApproximateNumberOfMessages) + Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible);
}

async function deadLetter(body: string, code: string, reason: string, messageId: string) {
  await sendToDeadLetter(stack.aws.sqs, {
    dlqUrl: q().dlqUrl,
    sourceQueueUrl: q().url,
    message: { messageId, receiptHandle: "rh", body, receiveCount: 5, attributes: { traceparent: "00-abc-def-01" } },
    code,
    reason,
  });
}

beforeEach(async () => {
  for (const h of Object.values(stack.handles.queues)) {
    await receiveAll(stack.aws.sqs, h.url, { remove: true });
    await receiveAll(stack.aws.sqs, h.dlqUrl, { remove: true });
  }
});

describe("dlq list and inspect", () => {
  it("shows the depth and each message's failure_code and failure_reason without consuming them", async () => {
    await deadLetter('{"n":1}', "budgets.invalid_event", "detail.userId: required", "orig-1");
    await deadLetter('{"n":2}', "budgets.unknown_budget", "budget b9 does not exist", "orig-2");

    const listed = await listDeadLetters(ctx, { queue: "budgetRecalc" });

    expect(listed).toHaveLength(1);
    expect(listed[0]?.depth).toBe(2);
    const byOrig = Object.fromEntries((listed[0]?.messages ?? []).map((m) => [m.originalMessageId, m]));
    expect(byOrig["orig-1"]).toMatchObject({
      failureCode: "budgets.invalid_event",
      failureReason: "detail.userId: required",
      receiveCount: 5,
      body: '{"n":1}',
    });
    expect(byOrig["orig-2"]?.failureCode).toBe("budgets.unknown_budget");
    // Peeked, not consumed: both are still there and visible.
    expect(await depth(q().dlqUrl)).toBe(2);
    expect((await listDeadLetters(ctx, { queue: "budgetRecalc" }))[0]?.messages).toHaveLength(2);
  });

  it("lists every DLQ when no queue is named, empty ones with depth 0", async () => {
    await deadLetter("{}", "x.code", "why", "orig-3");
    const listed = await listDeadLetters(ctx);
    expect(listed.map((s) => s.queue).sort()).toEqual(["alertDispatch", "budgetRecalc", "recurring", "syncJobs"]);
    expect(Object.fromEntries(listed.map((s) => [s.queue, s.depth]))).toEqual({ alertDispatch: 0, budgetRecalc: 1, recurring: 0, syncJobs: 0 });
  });

  it("inspects one dead letter by its DLQ id or its original id, and fails clearly on an unknown id", async () => {
    await deadLetter('{"hello":"world"}', "budgets.invalid_event", "bad", "orig-9");
    const [summary] = await listDeadLetters(ctx, { queue: "budgetRecalc" });
    const dlqId = summary?.messages[0]?.messageId ?? "";

    const byDlqId = await inspectDeadLetter(ctx, "budgetRecalc", dlqId);
    const byOriginal = await inspectDeadLetter(ctx, "budgetRecalc", "orig-9");

    expect(byDlqId.body).toBe('{"hello":"world"}');
    expect(byDlqId.attributes.traceparent).toBe("00-abc-def-01");
    expect(byOriginal.messageId).toBe(dlqId);
    await expect(inspectDeadLetter(ctx, "budgetRecalc", "no-such-id")).rejects.toMatchObject({ code: "ops.dlq.not_found" });
  });
});

describe("dlq redrive", () => {
  it("with --dry-run lists what would move and moves nothing", async () => {
    await deadLetter('{"n":1}', "c", "r", "o1");
    await deadLetter('{"n":2}', "c", "r", "o2");

    const r = await redriveDeadLetters(ctx, "budgetRecalc", { dryRun: true });

    expect(r.messages).toHaveLength(2);
    expect(r.moved).toBe(0);
    expect(await depth(q().dlqUrl)).toBe(2);
    expect(await depth(q().url)).toBe(0);
  });

  it("moves every message back to its source queue with its body and the sender's attributes, without the failure attributes", async () => {
    for (let i = 0; i < 13; i++) await deadLetter(JSON.stringify({ n: i }), "budgets.transient", "db down", `o${i}`);

    const r = await redriveDeadLetters(ctx, "budgetRecalc");

    expect(r).toMatchObject({ moved: 13, failed: [] });
    expect(await depth(q().dlqUrl)).toBe(0);
    const back = await receiveAll(stack.aws.sqs, q().url, { remove: true });
    expect(back.map((m) => JSON.parse(m.Body ?? "").n).sort((a, b) => a - b)).toEqual([...Array(13).keys()]);
    expect(back[0]?.MessageAttributes?.traceparent?.StringValue).toBe("00-abc-def-01");
    expect(back[0]?.MessageAttributes?.[DLQ_ATTRIBUTES.code]).toBeUndefined();
  });

  it("sends a message back with a fresh deferral budget: the runtime's deferral count is not the sender's", async () => {
    // An event that waited out its 8 deferrals (a claim another delivery never finished) and then its receives.
    await sendToDeadLetter(stack.aws.sqs, {
      dlqUrl: q().dlqUrl,
      sourceQueueUrl: q().url,
      message: {
        messageId: "deferred-out",
        receiptHandle: "rh",
        body: "{}",
        receiveCount: 5,
        attributes: { traceparent: "00-abc-def-01", [DEFERRALS_ATTRIBUTE]: String(MAX_DEFERRALS) },
      },
      code: "retries_exhausted",
      reason: "runtime.idempotency_in_progress: being handled by another delivery (receive 5 of 5)",
    });

    const r = await redriveDeadLetters(ctx, "budgetRecalc");

    expect(r).toMatchObject({ moved: 1, failed: [] });
    const [back] = await receiveAll(stack.aws.sqs, q().url, { remove: true });
    expect(back?.MessageAttributes?.traceparent?.StringValue).toBe("00-abc-def-01");
    // Carried over, the count would make its next wait an ordinary retry that spends receives.
    expect(back?.MessageAttributes?.[DEFERRALS_ATTRIBUTE]).toBeUndefined();
  });

  it("moves only what was dead-lettered before it started: a message that fails again at once is left in the DLQ, not moved round for ever", async () => {
    for (let i = 0; i < 3; i++) await deadLetter(JSON.stringify({ n: i }), "budgets.invalid_event", "detail: required", `again-${i}`);
    // The consumer has not been fixed: it dead-letters each redriven message the moment it arrives
    // (the runtime's own send, on the emulator). Bounded, so a redrive that never stops still ends.
    let failedAgain = 0;
    const sqs = ctx.aws.sqs;
    const consumerFailsAtOnce = {
      send: async (command: Parameters<typeof sqs.send>[0]) => {
        const out = await sqs.send(command);
        if (command instanceof SendMessageCommand && command.input.QueueUrl === q().url && failedAgain < 30) {
          failedAgain++;
          for (const m of await receiveAll(sqs, q().url, { remove: true })) {
            await sendToDeadLetter(sqs, {
              dlqUrl: q().dlqUrl,
              sourceQueueUrl: q().url,
              message: { messageId: m.MessageId ?? "", receiptHandle: "rh", body: m.Body ?? "", receiveCount: 1, attributes: {} },
              code: "budgets.invalid_event",
              reason: "detail: required",
            });
          }
        }
        return out;
      },
    } as unknown as typeof sqs;

    const r = await redriveDeadLetters({ ...ctx, aws: { ...ctx.aws, sqs: consumerFailsAtOnce } }, "budgetRecalc");

    expect(r).toMatchObject({ moved: 3, failed: [], leftNewer: 3 });
    expect(failedAgain).toBe(3);
    expect(await depth(q().dlqUrl)).toBe(3);
    // They are held for the run's two minutes: the next test starts from an empty DLQ.
    await stack.aws.sqs.send(new PurgeQueueCommand({ QueueUrl: q().dlqUrl }));
  });

  it("respects --max and leaves the rest in the DLQ", async () => {
    for (let i = 0; i < 4; i++) await deadLetter(`{"n":${i}}`, "c", "r", `m${i}`);
    const r = await redriveDeadLetters(ctx, "budgetRecalc", { max: 3 });
    expect(r.moved).toBe(3);
    expect(await depth(q().url)).toBe(3);
    expect(await depth(q().dlqUrl)).toBe(1);
  });

  it("keeps a message in the DLQ when the send to the source queue fails", async () => {
    await deadLetter("{}", "c", "r", "keep-1");
    const broken: OpsContext = { ...ctx, queueUrls: async (id) => ({ ...(await ctx.queueUrls(id)), queueUrl: `${q().url}-missing` }) };

    const r = await redriveDeadLetters(broken, "budgetRecalc", { max: 1 });

    expect(r.moved).toBe(0);
    expect(r.failed).toHaveLength(1);
    expect(await depth(q().dlqUrl)).toBe(1);
  });
});

describe("dlq commands", () => {
  it("prints JSON with --json and exits 0; an unknown queue is a usage error with exit 2", async () => {
    await deadLetter("{}", "budgets.invalid_event", "nope", "cli-1");
    const ok = captureIo(ctx);
    expect(await runCli(["dlq", "list", "--queue", "budgetRecalc", "--json"], ok.io)).toBe(0);
    const parsed = JSON.parse(ok.out.join(""));
    expect(parsed[0].messages[0].failureCode).toBe("budgets.invalid_event");

    const human = captureIo(ctx);
    expect(await runCli(["dlq", "list"], human.io)).toBe(0);
    expect(human.out.join("")).toContain("budgets.invalid_event");

    const bad = captureIo(ctx);
    expect(await runCli(["dlq", "redrive", "nope"], bad.io)).toBe(2);
    expect(bad.err.join("")).toContain('unknown queue "nope"');
  });

  it("redrive through the CLI, naming the DLQ, sends messages SQS itself dead-lettered back to the source queue", async () => {
    await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: q().dlqUrl, MessageBody: '{"moved":"by sqs"}' }));
    const run = captureIo(ctx);
    expect(await runCli(["dlq", "redrive", "expenzez-local-budget-recalc-dlq", "--json"], run.io)).toBe(0);
    expect(JSON.parse(run.out.join("")).moved).toBe(1);
    expect((await receiveAll(stack.aws.sqs, q().url, { remove: true })).map((m) => m.Body)).toEqual(['{"moved":"by sqs"}']);
  });
});
