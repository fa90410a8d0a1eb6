import { emitMetrics } from "@expenzez/logger";
import { z } from "zod";
import { defineScheduledTask } from "../kit/scheduled-task";
import { sweepOutbox } from "../outbox";

const sweepEnv = z.object({
  /**
   * Records younger than this are left to their writer (default a minute). The fault suite
   * lowers it so a writer it killed after its commit is announced within seconds, not minutes.
   */
  OUTBOX_SWEEP_MIN_AGE_SECONDS: z.coerce.number().positive().default(60),
});

/** The sweep's metric (namespace `expenzez`, dimension `service`: outbox-sweep). */
export const OUTBOX_METRICS = {
  /** Outbox records older than the sweep's cutoff a pass found: what the writers' relays left. */
  overdue: "OutboxOverdue",
} as const;

/**
 * The outbox's owner on a clock: re-publishes every event whose writer committed it but died
 * (or failed) before relaying it. Records younger than a minute are left to their writer.
 */
export const outboxSweep = defineScheduledTask({
  name: "outbox-sweep",
  env: sweepEnv,
  deps: (kit) => ({ relay: kit.relay, olderThanMs: kit.config.OUTBOX_SWEEP_MIN_AGE_SECONDS * 1000 }),
  run: async ({ relay, olderThanMs }, { now, log }) => {
    const result = await sweepOutbox(relay, { now, olderThanMs });
    // Written every pass, 0 included: the backlog alarm needs a value to clear on.
    emitMetrics(log, [{ name: OUTBOX_METRICS.overdue, value: result.overdue, unit: "Count" }]);
    return result;
  },
});
