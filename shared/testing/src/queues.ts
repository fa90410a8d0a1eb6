import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/**
 * Receives until the queue returns nothing (short polls: moto delivers EventBridge targets
 * inside PutEvents, so everything is already there). With `remove`, deletes what it received,
 * so the next test starts from an empty queue; otherwise the messages stay invisible for a minute.
 */
export async function receiveAll(sqs: SQSClient, QueueUrl: string, options: { remove?: boolean } = {}): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60, MessageAttributeNames: ["All"] }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
    if (options.remove) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }
}
