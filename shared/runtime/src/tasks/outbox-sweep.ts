import { defineScheduledTask } from "../kit/scheduled-task";
import { sweepOutbox } from "../outbox";

/**
 * The outbox's owner on a clock: re-publishes every event whose writer committed it but died
 * (or failed) before relaying it. Records younger than a minute are left to their writer.
 */
export const outboxSweep = defineScheduledTask({
  name: "outbox-sweep",
  deps: (kit) => kit.relay,
  run: (relay, { now }) => sweepOutbox(relay, { now }),
});
