import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { QueueMessage } from "./message";

/** Attribute names a dead-lettered message carries, for people and for the redrive command. */
export const DLQ_ATTRIBUTES = {
  code: "failure_code",
  reason: "failure_reason",
  sourceQueue: "source_queue",
  originalMessageId: "original_message_id",
  receiveCount: "receive_count",
} as const;

/**
 * Puts a message that can never succeed on its DLQ with the reason attached. The caller then
 * deletes it from the source queue: sending first means a crash in between duplicates, never loses.
 */
export async function sendToDeadLetter(
  sqs: SQSClient,
  input: { dlqUrl: string; sourceQueueUrl: string; message: QueueMessage; code: string; reason: string },
): Promise<void> {
  const text = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: sqsText(value) || "-" });
  const ours = new Set<string>(Object.values(DLQ_ATTRIBUTES));
  const carried = Object.fromEntries(
    Object.entries(input.message.attributes)
      // A sender's own `failure_code` must not survive as ours: the runtime's attributes win.
      .filter(([k]) => !ours.has(k))
      .slice(0, 5) // SQS allows 10 attributes; ours take 5
      .map(([k, v]) => [k, text(v)]),
  );
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: input.dlqUrl,
      MessageBody: input.message.body,
      MessageAttributes: {
        ...carried,
        [DLQ_ATTRIBUTES.code]: text(input.code),
        [DLQ_ATTRIBUTES.reason]: text(input.reason),
        [DLQ_ATTRIBUTES.sourceQueue]: text(input.sourceQueueUrl),
        [DLQ_ATTRIBUTES.originalMessageId]: text(input.message.messageId),
        [DLQ_ATTRIBUTES.receiveCount]: { DataType: "Number", StringValue: String(input.message.receiveCount) },
      },
    }),
  );
}

/**
 * SQS refuses a message whose attribute holds a character outside XML 1.0's (NUL, most control
 * characters, U+FFFE/U+FFFF, lone surrogates). A reason can quote hostile input (an id from the
 * body, decoded from a JSON escape), and a refused send would leave the message to retry until
 * SQS moves it without its reason: such characters become U+FFFD instead.
 */
export function sqsText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters SQS refuses
  return value.replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");
}
