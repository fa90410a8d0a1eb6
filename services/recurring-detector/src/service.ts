import type { Logger } from "@expenzez/logger";
import { createOutboxDeleteBatcher, defineQueueService, defineScheduledTask } from "@expenzez/runtime";
import { z } from "zod";
import { coalescePerUser } from "./coalesce";
import type { RecurringDeps } from "./deps";
import { handleRecurringMessage, reevaluateMerchants } from "./handler";
import { reportMissedPayments } from "./missed";

const depsOf = (kit: Pick<RecurringDeps, "db" | "repos" | "relay" | "log">): RecurringDeps => ({
  db: kit.db,
  repos: kit.repos,
  relay: kit.relay,
  log: kit.log,
});

/**
 * recurring-detector as a queue service on the `recurring` queue: the kit gives config, clients,
 * repositories and the relay; `worker.ts` and `lambda.ts` are one line each.
 */
export const recurringDetector = defineQueueService({
  name: "recurring-detector",
  env: z.object({
    /** Messages handled at once by one worker process. */
    RECURRING_CONCURRENCY: z.coerce.number().int().positive().default(5),
  }),
  deps: (kit) => {
    const deps = { ...depsOf(kit), outboxDeletes: createOutboxDeleteBatcher(kit.relay) };
    // One process merges the events of one user that arrive while that user is being evaluated.
    return { ...deps, evaluate: coalescePerUser((detail, log: Logger) => reevaluateMerchants(detail, { ...deps, log })) };
  },
  handle: async (message, { evaluate, ...deps }, context) => {
    await handleRecurringMessage(message, { ...deps, log: context.log, evaluate: (detail) => evaluate(detail, context.log) });
  },
  concurrency: (config) => config.RECURRING_CONCURRENCY,
});

/** The missed-payment pass as a scheduled task (locked, so two hosts never run it at once). */
export const recurringMissed = defineScheduledTask({
  name: "recurring-missed",
  deps: depsOf,
  run: (deps, context) => reportMissedPayments({ ...deps, log: context.log, now: () => context.now }),
});
