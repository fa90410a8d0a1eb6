export { announceConsentExpiring } from "./consent";
export * from "./errors";
export * from "./plan";
export { schedulerDeps, schedulerEnv, schedulerTask } from "./service";
export { runTick, type SchedulerDeps, type TickReport } from "./tick";
