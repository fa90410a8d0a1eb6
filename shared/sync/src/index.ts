export { isAttended, JOB_ID_MAX, parseSyncJob, SYNC_REASONS, type SyncJob, type SyncJobInput, type SyncReason, syncJobSchema } from "./job";
export { type MapContext, ourTransactionId, toStoredTransaction } from "./map-transaction";
export { type Reconciliation, reconcile } from "./reconcile";
export { nextSyncAt, type ScheduleInput, UNATTENDED_PER_DAY } from "./schedule";
