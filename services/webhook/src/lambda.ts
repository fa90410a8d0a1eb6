import { getConnInfo, handle } from "hono/aws-lambda";
import { createApp } from "./app";
import { createWebhookRuntime } from "./setup";

// Behind a Lambda Function URL (or an API Gateway HTTP API): the caller's address comes from the request context.
const { config, deps } = await createWebhookRuntime();

export const handler = handle(createApp(deps, { clientIp: (c) => getConnInfo(c).remote.address, maxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES }));
