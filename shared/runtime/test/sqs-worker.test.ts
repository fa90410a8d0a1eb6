import { ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { createLogger } from "@expenzez/logger";
import { describe, expect, it } from "vitest";
import { RetryLater, startWorker } from "../src/index";
import { toQueueMessage } from "../src/sqs-worker";

const log = createLogger("test", { level: "silent" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An SQS client that records when each ChangeMessageVisibility takes effect. A heartbeat is slow
 * to land (another connection, a retried request): the order of arrival, which moto cannot vary.
 */
function scriptedSqs() {
  const applied: number[] = [];
  const deleted: string[] = [];
  let received = false;
  const client = {
    async send(command: unknown) {
      if (command instanceof ReceiveMessageCommand) {
        if (received) {
          await sleep(20);
          return { Messages: [] };
        }
        received = true;
        return { Messages: [{ MessageId: "m1", ReceiptHandle: "rh-1", Body: "job", Attributes: { ApproximateReceiveCount: "1" } }] };
      }
      if (command instanceof ChangeMessageVisibilityCommand) {
        const timeout = command.input.VisibilityTimeout as number;
        if (timeout === 1) await sleep(100);
        applied.push(timeout);
        return {};
      }
      if (command instanceof DeleteMessageBatchCommand) {
        deleted.push(...(command.input.Entries ?? []).map((e) => e.ReceiptHandle as string));
        return {};
      }
      throw new Error(`unexpected command ${String(command)}`);
    },
  };
  return { sqs: client as unknown as SQSClient, applied, deleted };
}

describe("startWorker heartbeat", () => {
  it("lets a heartbeat still in flight land before the retry's backoff, never after it", async () => {
    // Prepare: beats every 50 ms; the handler fails after the first beat has been sent.
    const { sqs, applied, deleted } = scriptedSqs();
    const worker = startWorker({
      sqs,
      queueUrl: "q",
      dlqUrl: "dlq",
      visibilityTimeoutSeconds: 1,
      heartbeatSeconds: 0.05,
      waitTimeSeconds: 0,
      log,
      handler: async () => {
        await sleep(70);
        throw new RetryLater("truelayer.rate_limited", "429", 7);
      },
    });
    // Act
    while (worker.stats.retried === 0) await sleep(10);
    await worker.stop();
    await sleep(150);
    // Assess: the backoff is what the message is left with.
    expect(applied.at(-1)).toBe(7);
    expect(applied).toContain(1);
    expect(deleted).toEqual([]);
  });
});

describe("toQueueMessage", () => {
  it("reads only string attribute values: an undefined or binary one from a hostile sender is skipped, not a crash", () => {
    const m = toQueueMessage({
      MessageId: "m-1",
      ReceiptHandle: "r-1",
      Body: "{}",
      MessageAttributes: {
        gone: undefined as never,
        binary: { DataType: "Binary", BinaryValue: new Uint8Array([1]) },
        kept: { DataType: "String", StringValue: "x" },
      },
    });
    expect(m.attributes).toEqual({ kept: "x" });
  });
});
