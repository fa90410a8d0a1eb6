import { createSchedulerRuntime } from "./setup";
import { runTick } from "./tick";

// Invoked by an EventBridge Scheduler schedule (every minute); one tick per invocation.
const { deps } = await createSchedulerRuntime();

export const handler = async (): Promise<{ enqueued: number; backPressure: boolean }> => {
  const report = await runTick(deps);
  return { enqueued: report.enqueued, backPressure: report.backPressure };
};
