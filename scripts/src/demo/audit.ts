import { PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { AwsClients } from "@expenzez/aws";
import { parseDeliveredEvent, SOURCES } from "@expenzez/events";

/**
 * The demo's own view of the bus: a rule sending every expenzez event to a queue the demo
 * reads, so the summary counts events by detail-type without touching the consumers' queues.
 * Not part of the stack definition: it exists only for the demo run.
 */
export async function createAuditTap(
  aws: AwsClients,
  busName: string,
  stage: string,
  options: { onEvent?: (event: ReturnType<typeof parseDeliveredEvent>) => void } = {},
) {
  const name = `expenzez-${stage}-demo-audit`;
  const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const url = QueueUrl as string;
  const { Attributes } = await aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
  await aws.events.send(
    new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: JSON.stringify({ source: Object.values(SOURCES) }), State: "ENABLED" }),
  );
  await aws.events.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: "demo-audit", Arn: Attributes?.QueueArn as string }] }));

  const seen = new Set<string>();
  const byType = new Map<string, number>();
  const connectionsSynced = new Set<string>();
  return {
    url,
    byType,
    connectionsSynced,
    /** Every event id that arrived. */
    eventIds: seen as ReadonlySet<string>,
    /** Reads what arrived since the last call; an event re-published by the outbox sweep counts once. */
    async drain(): Promise<number> {
      const messages = await receiveAndDelete(aws.sqs, url);
      for (const m of messages) {
        const event = parseDeliveredEvent(m.Body as string);
        if (seen.has(event.detail.eventId)) continue;
        seen.add(event.detail.eventId);
        byType.set(event.detailType, (byType.get(event.detailType) ?? 0) + 1);
        if (event.detailType === "TransactionsSynced") connectionsSynced.add(event.detail.connectionId);
        options.onEvent?.(event);
      }
      return seen.size;
    },
  };
}

async function receiveAndDelete(sqs: SQSClient, QueueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return all;
    all.push(...Messages);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })) }));
  }
}
