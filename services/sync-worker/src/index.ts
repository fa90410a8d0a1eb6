export type { SyncDeps } from "./deps";
export * from "./errors";
export { handleSyncJob } from "./handler";
export { LARGE_TRANSACTION_MINOR } from "./events";
export { MAX_HISTORY_DAYS, OVERLAP_DAYS, syncWindow } from "./window";
