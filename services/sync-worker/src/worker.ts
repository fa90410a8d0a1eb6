import { runQueueWorker } from "@expenzez/runtime";
import { syncWorker } from "./service";

/** The long-polling runtime (laptop, CI, ECS): `pnpm --filter @expenzez/sync-worker start`. */
await runQueueWorker(syncWorker);
