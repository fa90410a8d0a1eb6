import { alertDeferred } from "./service";

/** The deferred pass, invoked every minute by an EventBridge Scheduler schedule; built once per container. */
export const handler = await alertDeferred.lambdaHandler();
