import { defineQueueService, defineScheduledTask } from "@expenzez/runtime";
import { z } from "zod";
import type { BudgetDeps } from "./deps";
import { handleBudgetEvent } from "./handler";
import { rollOverEndedPeriods } from "./rollover";

const depsOf = (
  kit: Pick<BudgetDeps, "db" | "repos" | "relay" | "log"> & { def: { queues: { budgetRecalc: { visibilityTimeoutSeconds: number } } } },
): BudgetDeps => ({
  db: kit.db,
  repos: kit.repos,
  relay: kit.relay,
  log: kit.log,
  claimLeaseSeconds: kit.def.queues.budgetRecalc.visibilityTimeoutSeconds,
});

/**
 * budget-recalc as a queue service: the kit gives config, clients, repositories and the relay;
 * `worker.ts` and `lambda.ts` are one line each.
 */
export const budgetRecalc = defineQueueService({
  name: "budget-recalc",
  env: z.object({
    /** Messages handled at once by one worker process. */
    BUDGET_RECALC_CONCURRENCY: z.coerce.number().int().positive().default(5),
  }),
  deps: depsOf,
  handle: async (message, deps, context) => {
    await handleBudgetEvent(message, { ...deps, log: context.log });
  },
  concurrency: (config) => config.BUDGET_RECALC_CONCURRENCY,
});

/** The roll-over pass as a scheduled task (locked, so two hosts never run it at once). */
export const budgetRollover = defineScheduledTask({
  name: "budget-rollover",
  deps: depsOf,
  run: (deps, context) => rollOverEndedPeriods({ ...deps, log: context.log, now: () => context.now }),
});
