import { loadConfig } from "@expenzez/config";
import type { QueueDefinition, StackDefinition } from "@expenzez/resources";
import { createPlatform, type Platform } from "@expenzez/runtime";
import { usageError } from "./errors";

/** What every command works with: the same configuration and clients as the services. */
export type OpsContext = Platform;

/**
 * Builds the context from the environment the services read (STAGE, AWS_REGION,
 * AWS_ENDPOINT_URL, LOG_LEVEL), so the CLI talks to whatever stack they talk to.
 * Logs go to stderr (quiet by default) so `--json` output on stdout stays parseable.
 */
export function createOpsContext(env: Record<string, string | undefined> = process.env): OpsContext {
  return createPlatform("ops-cli", loadConfig({ LOG_LEVEL: "warn", ...env }), { logDestination: process.stderr });
}

/** A queue named by its id (`syncJobs`), its name or its DLQ's name; refuses anything else, listing the choices. */
export function resolveQueue(def: StackDefinition, name: string): QueueDefinition {
  const found = Object.values(def.queues).find((q) => q.id === name || q.name === name || q.dlqName === name);
  if (!found) throw usageError(`unknown queue "${name}"; one of: ${Object.keys(def.queues).join(", ")}`);
  return found;
}
