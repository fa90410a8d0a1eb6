import { emitMetrics, type Logger, type MetricPoint } from "@expenzez/logger";
import { correlationIdOf } from "./correlation";
import { deferralsOf, MAX_DEFERRALS } from "./defer";
import { classifyFailure, type Disposition, deferral, lastReceive, RETRIES_EXHAUSTED } from "./disposition";
import { HandlerTimeoutError, StopRequestedError } from "./errors";
import type { MessageHandler, QueueMessage } from "./message";

/**
 * Runs the handler for one message and turns the outcome into a disposition. Shared by the
 * long-polling worker and the Lambda adapter so both treat failures identically. With
 * `timeoutMs`, a handler that has not settled by then is abandoned (its signal aborted) and the
 * message retried: the handler is idempotent, so a late finish of the abandoned run is harmless.
 * With `maxReceiveCount` (the queue's redrive setting), a failure on the last allowed receive is
 * dead-lettered with `retries_exhausted` instead of retried. A handler that fails once the
 * runtime's own `signal` is aborted (it stopped when asked: shutdown, a Lambda deadline) is not
 * counted as failing: its message is handed back at once (`handBack`).
 */
export async function processMessage(
  handler: MessageHandler,
  message: QueueMessage,
  context: { log: Logger; signal: AbortSignal; random?: () => number; timeoutMs?: number; now?: () => number; maxReceiveCount?: number },
): Promise<Disposition> {
  const correlationId = correlationIdOf(message);
  const log = context.log.child({ messageId: message.messageId, receiveCount: message.receiveCount, ...(correlationId ? { correlationId } : {}) });
  const now = context.now ?? Date.now;
  const started = now();
  // How long the message waited on the queue (retries included): the first sign of a backlog.
  const lag: MetricPoint[] =
    message.sentAt === undefined ? [] : [{ name: RUNTIME_METRICS.queueLag, value: Math.max(0, started - message.sentAt), unit: "Milliseconds" }];
  const timeout = new AbortController();
  const signal = context.timeoutMs === undefined ? context.signal : AbortSignal.any([context.signal, timeout.signal]);
  let timer: NodeJS.Timeout | undefined;
  try {
    const run = handler(message, { log, signal });
    if (context.timeoutMs === undefined) await run;
    else {
      const ms = context.timeoutMs;
      await Promise.race([
        run,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timeout.abort();
            reject(new HandlerTimeoutError(ms));
          }, ms);
        }),
      ]);
    }
    emitMetrics(log, [...lag, { name: RUNTIME_METRICS.handlerDuration, value: now() - started, unit: "Milliseconds" }]);
    return { kind: "done" };
  } catch (error) {
    // Every outcome but success emits the queue lag on its own line (success adds its duration to it).
    emitMetrics(log, lag);
    const deferrals = deferralsOf(message);
    const deferred = deferral(error, deferrals);
    if (deferred) {
      // Not a failure of the message: counted apart from HandlerErrors, by why it waits.
      emitMetrics(log, [{ name: RUNTIME_METRICS.deferred, value: 1, unit: "Count" }], { dimensions: { code: deferred.code } });
      log.info({ code: deferred.code, delaySeconds: deferred.delaySeconds, deferrals: deferrals + 1 }, "message deferred: sent back delayed, no receive spent");
      return deferred;
    }
    const failure = classifyFailure(error, message.receiveCount, context.random);
    if (failure.kind === "retry" && context.signal.aborted) {
      emitMetrics(log, [{ name: RUNTIME_METRICS.stopped, value: 1, unit: "Count" }]);
      const back = handBack(message, context.signal.reason, context.maxReceiveCount);
      log.info(
        { err: error, disposition: back.kind, ...("delaySeconds" in back ? { delaySeconds: back.delaySeconds } : {}) },
        "handler stopped when asked: message handed back",
      );
      return back;
    }
    const disposition = lastReceive(failure, message.receiveCount, context.maxReceiveCount);
    // Errors by code: the code is a dimension (a small, stable set per service), the outcome a field.
    emitMetrics(log, [{ name: RUNTIME_METRICS.handlerErrors, value: 1, unit: "Count" }], {
      dimensions: { errorCode: disposition.code },
      properties: { disposition: disposition.kind },
    });
    if (disposition.kind === "dead" && disposition.code === RETRIES_EXHAUSTED)
      log.error({ err: error, code: disposition.code, reason: disposition.reason }, "last allowed receive failed: dead-lettering");
    else if (disposition.kind === "dead") log.error({ err: error, code: disposition.code }, "message can never succeed: dead-lettering");
    else log.warn({ err: error, code: disposition.code, delaySeconds: disposition.delaySeconds }, "message failed: will retry");
    return disposition;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What becomes of a message whose handler the runtime stopped (or never started, a Lambda's
 * records left when its time ran short): visible again at once, no backoff. On the queue's last
 * allowed receive, a message handed back would be moved to the DLQ by SQS's redrive on its next
 * receive, without a reason: it goes back as a copy instead (a deferral, no receive spent), and
 * past `MAX_DEFERRALS` to the DLQ with `retries_exhausted`.
 */
export function handBack(message: QueueMessage, reason: unknown, maxReceiveCount: number | undefined): Exclude<Disposition, { kind: "done" }> {
  const stop = reason instanceof StopRequestedError ? reason : new StopRequestedError("shutdown");
  const retry = { kind: "retry", delaySeconds: 0, code: stop.code, reason: stop.message } as const;
  const last = maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount;
  if (last && deferralsOf(message) < MAX_DEFERRALS) return { kind: "defer", delaySeconds: 1, code: stop.code, reason: stop.message };
  return lastReceive(retry, message.receiveCount, maxReceiveCount);
}

/** Metrics every queue service emits through the runtime (namespace `expenzez`, dimension `service`). */
export const RUNTIME_METRICS = {
  /** Now minus the message's SentTimestamp when a handler starts on it (ms). */
  queueLag: "QueueLag",
  /** A handler's run time for a message it finished (ms). */
  handlerDuration: "HandlerDuration",
  /** A handler that threw, by `errorCode` (dimension); `disposition` says retry or dead. */
  handlerErrors: "HandlerErrors",
  /** A message sent back delayed by `DeferMessage` (no receive spent), by `code` (dimension). */
  deferred: "MessagesDeferred",
  /** A message handed back because the runtime asked its handler to stop (shutdown, a Lambda deadline). */
  stopped: "MessagesStopped",
} as const;
