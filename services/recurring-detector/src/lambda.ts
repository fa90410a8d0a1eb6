import { toSqsLambdaHandler } from "@expenzez/runtime";
import { handleRecurringMessage } from "./handler";
import { reportMissedPayments } from "./missed";
import { createRecurringRuntime } from "./setup";

// Built once per Lambda container, outside the invocation.
const runtime = await createRecurringRuntime();
const [queueUrl, dlqUrl] = [await runtime.urlOf(runtime.queue.name), await runtime.urlOf(runtime.queue.dlqName)];

/** The Lambda runtime: SQS event source with ReportBatchItemFailures. */
export const handler = toSqsLambdaHandler(
  async (message, context) => {
    await handleRecurringMessage(message, { ...runtime.deps, log: context.log });
  },
  { sqs: runtime.aws.sqs, queueUrl, dlqUrl, log: runtime.log },
);

/** The scheduled entry (daily): missed payments and the upcoming bills they change. */
export const missedHandler = async () => reportMissedPayments(runtime.deps);
