export { announceConsentExpiring } from "./consent";
export * from "./errors";
export * from "./plan";
export { runTick, type SchedulerDeps, type TickReport } from "./tick";
