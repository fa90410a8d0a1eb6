import { outboxSweep } from "./outbox-sweep";

/** Invoked every minute by an EventBridge Scheduler schedule. */
export const handler = await outboxSweep.lambdaHandler();
