import { type Message, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";

/**
 * Receives until the queue returns nothing. Short polls (WaitTimeSeconds 0): moto delivers
 * EventBridge targets inside PutEvents, so everything is already there.
 */
export async function receiveAll(sqs: SQSClient, QueueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return all;
    all.push(...Messages);
  }
}
