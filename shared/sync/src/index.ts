export { DisconnectNotFoundError, type DisconnectResult, disconnectConnection, RevocationFailedError } from "./disconnect";
export {
  bankIdentityOf,
  categorisableOf,
  type MapContext,
  type OccurrenceMemory,
  occurrenceMemory,
  occurrencesOf,
  ourTransactionId,
  toStoredTransaction,
  transactionTypeOf,
} from "./map-transaction";
export { type Reconciliation, reconcile } from "./reconcile";
export { boundedText, storableId, TEXT_LIMITS } from "./sanitise";
export { nextSyncAt, type ScheduleInput, unattendedToday } from "./schedule";
