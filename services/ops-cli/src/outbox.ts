import { sweepOutbox } from "@expenzez/runtime";
import type { OpsContext } from "./context";

/** Publishes every outbox record now, however young (the scheduled sweep waits a minute). */
export async function replayOutbox(ctx: OpsContext): Promise<{ published: number }> {
  // With no minimum age every record is "overdue" to the sweep: that count means nothing here.
  const { published } = await sweepOutbox(ctx.relay, { olderThanMs: 0 });
  return { published };
}
