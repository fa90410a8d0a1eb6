import { runQueueWorker } from "@expenzez/runtime";
import { budgetRecalc } from "./service";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/budget-recalc start`. */
await runQueueWorker(budgetRecalc);
