import { alertDispatch } from "./service";

/** The Lambda runtime: SQS event source with ReportBatchItemFailures; built once per container. */
export const handler = await alertDispatch.lambdaHandler();
