export { recalcBudgets } from "./budgets";
export { buildProgram, type CliIo, runCli } from "./cli";
export { createOpsContext, type OpsContext, resolveQueue } from "./context";
export * from "./dlq";
export { OpsError } from "./errors";
export { replayOutbox } from "./outbox";
export * from "./resync";
export * from "./status";
export * from "./users";
