import type { Logger } from "@expenzez/logger";
import type { SyncDeps } from "./deps";
import { LeaseLostError } from "./errors";

/** A held sync lease, renewed while the run lasts. */
export interface LeaseKeeper {
  readonly owner: string;
  /**
   * Throws LeaseLostError once the lease is no longer ours, or the runtime's StopRequestedError
   * once it asked the handler to stop (shutdown, a Lambda deadline): the run stops before its
   * next write, and `runJob` releases the lease it still holds.
   */
  guard(): void;
  readonly signal: AbortSignal;
  stop(): void;
}

/**
 * Renews the lease every third of its term (the runtime's heartbeat keeps the message invisible
 * meanwhile, this keeps the connection ours). A renewal that finds another owner, or renewals
 * failing until the lease could have lapsed, abort the run: `guard()` then throws before any
 * further write. So does the runtime's `stop` signal.
 */
export function keepLease(
  deps: Pick<SyncDeps, "repos" | "now">,
  target: { userId: string; connectionId: string },
  owner: string,
  leaseSeconds: number,
  log: Logger,
  stop?: AbortSignal,
): LeaseKeeper {
  const now = deps.now ?? (() => new Date());
  const controller = new AbortController();
  let lastRenewed = Date.now();
  let renewing = false;
  const lose = (why: string) => {
    if (controller.signal.aborted) return;
    log.warn({ why }, "sync lease lost: stopping before the next write");
    controller.abort(new LeaseLostError(target.connectionId));
  };
  const timer = setInterval(
    () => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      const until = new Date(now().getTime() + leaseSeconds * 1000).toISOString();
      deps.repos.connections
        .renewLease(target.userId, target.connectionId, owner, until)
        .then((ours) => {
          if (ours) lastRenewed = Date.now();
          else lose("another worker holds it");
        })
        .catch((err: unknown) => {
          log.warn({ err }, "lease renewal failed");
          if (Date.now() - lastRenewed > leaseSeconds * 800) lose("renewals failed for most of the lease term");
        })
        .finally(() => {
          renewing = false;
        });
    },
    Math.max(200, (leaseSeconds * 1000) / 3),
  );
  timer.unref?.();
  return {
    owner,
    signal: controller.signal,
    guard() {
      if (controller.signal.aborted) throw controller.signal.reason;
      stop?.throwIfAborted();
    },
    stop() {
      clearInterval(timer);
    },
  };
}
