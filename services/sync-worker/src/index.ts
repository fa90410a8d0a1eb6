export type { SyncDeps } from "./deps";
export * from "./errors";
export { LARGE_TRANSACTION_MINOR } from "./events";
export { handleSyncJob, syncConnection } from "./handler";
export { SYNC_PHASES, type SyncPhase } from "./phases";
export { OUTBOX_DELETE_WAIT_SECONDS, syncWorker, syncWorkerEnv } from "./service";
export { MAX_HISTORY_DAYS, OVERLAP_DAYS, syncWindow } from "./window";
