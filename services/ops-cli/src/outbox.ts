import { sweepOutbox } from "@expenzez/runtime";
import type { OpsContext } from "./context";

/** Publishes every outbox record now, however young (the scheduled sweep waits a minute). */
export async function replayOutbox(ctx: OpsContext): Promise<{ published: number }> {
  return sweepOutbox(ctx.relay, { olderThanMs: 0 });
}
