export { type MapContext, ourTransactionId, toStoredTransaction } from "./map-transaction";
export { type Reconciliation, reconcile } from "./reconcile";
export { type ScheduleInput, UNATTENDED_PER_DAY, nextSyncAt } from "./schedule";
