import { randomUUID } from "node:crypto";

/** A Lambda SQS event record, as the runtime's Lambda adapter receives it. */
export interface SqsRecordFixture {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
  messageAttributes: Record<string, { stringValue: string; dataType: "String" }>;
  eventSourceARN: string;
}

/**
 * An SQS record carrying `body`, for handler and Lambda-adapter tests without a queue.
 *
 * @example sqsRecord(JSON.stringify(job), { receiveCount: 2, attributes: { correlationId: "c-1" } })
 */
export function sqsRecord(
  body: string,
  options: { receiveCount?: number; attributes?: Record<string, string>; queueArn?: string; messageId?: string } = {},
): SqsRecordFixture {
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body,
    attributes: { ApproximateReceiveCount: String(options.receiveCount ?? 1) },
    messageAttributes: Object.fromEntries(Object.entries(options.attributes ?? {}).map(([k, v]) => [k, { stringValue: v, dataType: "String" as const }])),
    eventSourceARN: options.queueArn ?? "arn:aws:sqs:eu-west-2:000000000000:expenzez-test-queue",
  };
}

/**
 * The body EventBridge puts on an SQS target for an event: what every consumer's handler parses.
 *
 * @example eventBridgeBody({ source: "expenzez.sync", detailType: "TransactionsSynced", detail })
 */
export function eventBridgeBody(event: { source: string; detailType: string; detail: unknown }, options: { id?: string; time?: string } = {}): string {
  return JSON.stringify({
    version: "0",
    id: options.id ?? randomUUID(),
    "detail-type": event.detailType,
    source: event.source,
    account: "000000000000",
    time: options.time ?? new Date().toISOString(),
    region: "eu-west-2",
    resources: [],
    detail: event.detail,
  });
}

/** An SQS record of an event delivered by an EventBridge rule. */
export function eventBridgeSqsRecord(
  event: { source: string; detailType: string; detail: unknown },
  options: { receiveCount?: number } = {},
): SqsRecordFixture {
  return sqsRecord(eventBridgeBody(event), options);
}
