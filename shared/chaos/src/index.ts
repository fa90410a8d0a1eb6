export { readBankTruth } from "./bank-truth";
export { FAULT_KINDS, type FaultDriver, type FaultKind, startFaultDriver } from "./driver";
export * from "./fault-proxy";
export * from "./prng";
export { formatReport, passed } from "./report";
export { type FaultReport, type FaultSuiteOptions, runFaultSuite } from "./suite";
export { type Supervisor, superviseServices } from "./supervisor";
