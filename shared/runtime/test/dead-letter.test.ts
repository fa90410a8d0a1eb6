import type { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { describe, expect, it } from "vitest";
import { DLQ_ATTRIBUTES, sendToDeadLetter, sqsText } from "../src/dead-letter";

describe("sendToDeadLetter", () => {
  it("keeps the runtime's failure attributes over forged ones, which take none of the sender's carried places", async () => {
    const sent: SendMessageCommand[] = [];
    const sqs = { send: async (command: SendMessageCommand) => void sent.push(command) } as unknown as SQSClient;
    await sendToDeadLetter(sqs, {
      dlqUrl: "dlq",
      sourceQueueUrl: "src",
      message: {
        messageId: "m1",
        body: "{}",
        receiveCount: 2,
        receiptHandle: "r",
        attributes: { [DLQ_ATTRIBUTES.code]: "forged.code", [DLQ_ATTRIBUTES.reason]: "forged", a1: "1", a2: "2", a3: "3", a4: "4", correlation_id: "corr-1" },
      },
      code: "sync.invalid_job",
      reason: "real reason",
    });
    const attributes = sent[0]?.input.MessageAttributes ?? {};
    expect(attributes[DLQ_ATTRIBUTES.code]?.StringValue).toBe("sync.invalid_job");
    expect(attributes[DLQ_ATTRIBUTES.reason]?.StringValue).toBe("real reason");
    expect(attributes[DLQ_ATTRIBUTES.receiveCount]?.StringValue).toBe("2");
    expect(attributes.correlation_id?.StringValue).toBe("corr-1");
  });

  it("replaces characters SQS refuses in an attribute (a reason quoting hostile input) so the dead letter is accepted", async () => {
    const sent: SendMessageCommand[] = [];
    const sqs = { send: async (command: SendMessageCommand) => void sent.push(command) } as unknown as SQSClient;
    await sendToDeadLetter(sqs, {
      dlqUrl: "dlq",
      sourceQueueUrl: "src",
      message: { messageId: "m1", body: "{}", receiveCount: 1, receiptHandle: "r", attributes: { correlationId: "c\u0000" } },
      code: "sync.unknown_connection",
      reason: "no connection c\u0001 for user \uffff\ud800 😀",
    });
    const attributes = sent[0]?.input.MessageAttributes ?? {};
    expect(attributes[DLQ_ATTRIBUTES.reason]?.StringValue).toBe("no connection c\ufffd for user \ufffd\ufffd 😀");
    expect(attributes.correlationId?.StringValue).toBe("c\ufffd");
    expect(sqsText("tab\tline\nok")).toBe("tab\tline\nok");
  });
});
