import { runQueueWorker } from "@expenzez/runtime";
import { recurringDetector } from "./service";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/recurring-detector start`. */
await runQueueWorker(recurringDetector);
