import { toSqsLambdaHandler } from "@expenzez/runtime";
import { handleSyncJob } from "./handler";
import { createSyncRuntime } from "./setup";

// Built once per Lambda container, outside the invocation.
const runtime = await createSyncRuntime();

/** The Lambda runtime: SQS event source with ReportBatchItemFailures. */
export const handler = toSqsLambdaHandler((message, context) => handleSyncJob(message, { ...runtime.deps, log: context.log }), {
  sqs: runtime.aws.sqs,
  queueUrl: runtime.queueUrl,
  dlqUrl: runtime.dlqUrl,
  log: runtime.log,
});
