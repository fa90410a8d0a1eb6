import { schedulerTask } from "./service";

// Invoked by an EventBridge Scheduler schedule (every minute); one locked tick per invocation.
export const handler = await schedulerTask.lambdaHandler();
