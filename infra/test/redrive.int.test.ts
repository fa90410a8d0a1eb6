import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { type QueueId, stackDefinition } from "@expenzez/resources";
import { emulatorEndpoint, receiveAll, resetForFile } from "@expenzez/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, provisionLocalStack } from "../src/stack";

const queueIds = Object.keys(stackDefinition("local").queues) as QueueId[];

describe("redrive: a message that keeps failing ends in the DLQ", () => {
  let stack: LocalStack;
  beforeAll(async () => {
    await resetForFile();
    stack = await provisionLocalStack(emulatorEndpoint());
  });

  it.each(queueIds)("%s: after maxReceiveCount receives without a delete, the message moves to its DLQ", async (id) => {
    // Prepare
    const q = stack.def.queues[id];
    const { url, dlqUrl } = stack.handles.queues[id];
    const sent = await stack.aws.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ poison: id }) }));

    // Act: a consumer that fails every time; VisibilityTimeout 0 makes the message visible again at once.
    const receive = () =>
      stack.aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 0, VisibilityTimeout: 0, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
      );
    const counts: string[] = [];
    for (let i = 0; i < q.maxReceiveCount; i++) {
      const { Messages = [] } = await receive();
      expect(Messages.map((m) => m.MessageId)).toEqual([sent.MessageId]);
      counts.push(Messages[0]!.Attributes!.ApproximateReceiveCount!);
    }
    const afterLimit = await receive();

    // Assess: delivered exactly maxReceiveCount times, then moved (SQS moves it on the next receive).
    expect(counts).toEqual(Array.from({ length: q.maxReceiveCount }, (_, i) => String(i + 1)));
    expect(afterLimit.Messages ?? []).toEqual([]);
    const dead = await receiveAll(stack.aws.sqs, dlqUrl);
    expect(dead.map((m) => [m.MessageId, m.Body])).toEqual([[sent.MessageId, JSON.stringify({ poison: id })]]);
    expect(await receiveAll(stack.aws.sqs, url)).toEqual([]);
  });
});
