import { toSqsLambdaHandler } from "@expenzez/runtime";
import { handleBudgetEvent } from "./handler";
import { rollOverEndedPeriods } from "./rollover";
import { createBudgetRuntime } from "./setup";

// Built once per Lambda container, outside the invocation.
const runtime = await createBudgetRuntime();
const [queueUrl, dlqUrl] = [await runtime.urlOf(runtime.queue.name), await runtime.urlOf(runtime.queue.dlqName)];

/** The Lambda runtime: SQS event source with ReportBatchItemFailures. */
export const handler = toSqsLambdaHandler(
  async (message, context) => {
    await handleBudgetEvent(message, { ...runtime.deps, log: context.log });
  },
  { sqs: runtime.aws.sqs, queueUrl, dlqUrl, log: runtime.log },
);

/** The scheduled roll-over (an EventBridge schedule invokes it). */
export const rolloverHandler = async () => rollOverEndedPeriods(runtime.deps);
