import { ExpenzezError, exponentialCeiling } from "@expenzez/common";
import type { SealedValueFault } from "@expenzez/crypto";
import { bankConnectionEntity, getEntity, keys, type TokenFault } from "@expenzez/db";
import type { SyncJob } from "@expenzez/events";
import type { Logger } from "@expenzez/logger";
import type { SyncDeps } from "./deps";
import { TokenUnreadableError, UnknownConnectionError } from "./errors";
import { emitTokenFault } from "./metrics";

/** A connection whose tokens KMS refuses under our own key is tried again after 15 min, 30 min, then every hour (ADR 0073). */
export const KEY_FAULT_RETRY = { firstMinutes: 15, capMinutes: 60, jitterMinutes: 5 } as const;

/** When a connection that met a key fault `attempts` runs in a row is tried again. */
export function keyFaultRetryAt(now: Date, attempts: number, random: () => number): Date {
  const minutes = exponentialCeiling(attempts, { base: KEY_FAULT_RETRY.firstMinutes, cap: KEY_FAULT_RETRY.capMinutes });
  return new Date(now.getTime() + (minutes + random() * KEY_FAULT_RETRY.jitterMinutes) * 60_000);
}

/**
 * The job's connection was leased but its sealed tokens could not be opened (by `acquireLease`,
 * or read again mid-run), or our key refused to seal before a refresh; the lease is given back
 * already. Recorded on the connection, by whose fault (ADR 0073):
 * - `record` (this connection's sealed record is bad): the connection leaves the sync schedule
 *   until an operator clears it, and the job is dead-lettered at once (`sync.token_unreadable`):
 *   retrying cannot help, and asking the user to reconnect is the operator's call;
 * - `key` (KMS refuses our own key: a configuration fault every connection meets): nobody is
 *   parked and nothing dead-lettered; the connection is tried again with back-off
 *   (`keyFaultRetryAt`) and the job is done. The alarm on `TokenFaults` tells the operator.
 */
export async function onTokenFault(deps: SyncDeps, job: SyncJob, error: unknown, fault: SealedValueFault, now: Date, log: Logger): Promise<void> {
  const stored = await getEntity(deps.db, bankConnectionEntity, keys.connection(job.userId, job.connectionId), { consistent: true });
  if (!stored) throw new UnknownConnectionError(job.userId, job.connectionId);
  const code = error instanceof ExpenzezError ? error.code : "crypto.unknown";
  const reason = describe(error);
  const previous = stored.tokenFault?.fault === fault ? stored.tokenFault : undefined;
  const tokenFault: TokenFault = {
    fault,
    code,
    reason,
    since: previous?.since ?? now.toISOString(),
    at: now.toISOString(),
    attempts: (previous?.attempts ?? 0) + 1,
  };
  const retryAt = fault === "key" ? keyFaultRetryAt(now, tokenFault.attempts, deps.random ?? Math.random) : undefined;
  const recorded = await deps.repos.connections.recordTokenFault(stored, tokenFault, now.toISOString(), retryAt?.toISOString());
  emitTokenFault(log, fault);
  // `failure`, not `reason`: the job's logger binds `reason` (scheduled, webhook, …) already.
  const fields = { code, failure: reason, attempts: tokenFault.attempts, recorded };
  if (fault === "record") {
    log.error(fields, "the connection's sealed tokens can never be opened: out of the schedule until an operator acts");
    throw new TokenUnreadableError(job.connectionId, reason, { cause: error });
  }
  log.error({ ...fields, retryAt: retryAt?.toISOString() }, "KMS refuses our own key: connection tried again later (a configuration fault, not the user's)");
}

/** The error and its KMS cause as "code: message (cause name: message)": names and messages only, never a value. */
function describe(error: unknown): string {
  const head = error instanceof ExpenzezError ? `${error.code}: ${error.message}` : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : "";
  return `${head}${cause}`.slice(0, 512);
}
