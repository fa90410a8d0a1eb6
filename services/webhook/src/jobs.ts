import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { type SyncJob, syncJobSchema } from "@expenzez/events";

/** Puts one SyncJob on the sync-jobs queue (validated first: nothing malformed reaches the queue). */
export type JobSender = (job: SyncJob) => Promise<void>;

/** A JobSender for an SQS queue; the correlation id also travels as a message attribute. */
export function sqsJobSender(sqs: SQSClient, queueUrl: string): JobSender {
  return async (job) => {
    const valid = syncJobSchema.parse(job);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify(valid),
        ...(valid.correlationId ? { MessageAttributes: { correlationId: { DataType: "String", StringValue: valid.correlationId } } } : {}),
      }),
    );
  };
}
