export { SYNC_REASONS, type SyncJob, type SyncJobInput, type SyncReason, isAttended, parseSyncJob, syncJobSchema } from "./job";
export { type MapContext, ourTransactionId, toStoredTransaction } from "./map-transaction";
export { type Reconciliation, reconcile } from "./reconcile";
export { type ScheduleInput, UNATTENDED_PER_DAY, nextSyncAt } from "./schedule";
