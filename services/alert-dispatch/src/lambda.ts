import { toSqsLambdaHandler } from "@expenzez/runtime";
import { runDeferredPass } from "./deferred";
import { handleAlertMessage } from "./handler";
import { createAlertRuntime } from "./setup";

// Built once per Lambda container, outside the invocation.
const runtime = await createAlertRuntime();
const [queueUrl, dlqUrl] = [await runtime.urlOf(runtime.queue.name), await runtime.urlOf(runtime.queue.dlqName)];

/** The Lambda runtime: SQS event source with ReportBatchItemFailures. */
export const handler = toSqsLambdaHandler(
  async (message, context) => {
    await handleAlertMessage(message, { ...runtime.deps, log: context.log });
  },
  { sqs: runtime.aws.sqs, queueUrl, dlqUrl, log: runtime.log },
);

/** The scheduled entry (every minute): deferred notifications whose time has come, and sends whose dispatcher died. */
export const deferredHandler = async () => runDeferredPass(runtime.deps);
