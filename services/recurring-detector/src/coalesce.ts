import type { Detail } from "@expenzez/events";

/** What one re-evaluation needs from a TransactionsSynced event. */
export type SyncedDetail = Pick<Detail<"TransactionsSynced">, "userId" | "merchants" | "range" | "correlationId">;

interface Waiting<C, R> {
  detail: SyncedDetail;
  /** The first waiting message's context (its logger): the merged evaluation runs with it. */
  context: C;
  done: Promise<R>;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Merges the re-evaluations of one user that arrive while one is running (ADR 0031). A sync
 * announces its writes in chunks of ~98 transactions, so a first sync sends a handful of
 * TransactionsSynced events at once, mostly naming the same merchants; run side by side they
 * read the same items, lose races to each other and re-plan. Here, per user, one evaluation runs
 * at a time; the events that arrive meanwhile wait, and are merged into one next evaluation
 * (merchants united, the date range widened to cover them all), which each of them awaits. Any
 * number of them costs one evaluation after the running one. A failure fails the messages of
 * that evaluation only: they are retried, and evaluations are idempotent.
 *
 * @example const evaluate = coalescePerUser((d, log: Logger) => reevaluateMerchants(d, { ...deps, log })); await evaluate(event.detail, log);
 */
export function coalescePerUser<C, R>(run: (detail: SyncedDetail, context: C) => Promise<R>): (detail: SyncedDetail, context: C) => Promise<R> {
  const users = new Map<string, { next?: Waiting<C, R> }>();

  function start(detail: SyncedDetail, context: C): Promise<R> {
    const state = users.get(detail.userId) ?? {};
    users.set(detail.userId, state);
    const running = run(detail, context);
    void running
      .catch(() => {})
      .then(() => {
        const next = state.next;
        state.next = undefined;
        if (!next) {
          users.delete(detail.userId);
          return;
        }
        start(next.detail, next.context).then(next.resolve, next.reject);
      });
    return running;
  }

  return (detail, context) => {
    const state = users.get(detail.userId);
    if (!state) return start(detail, context);
    if (state.next) {
      state.next.detail = merged(state.next.detail, detail);
      return state.next.done;
    }
    let resolve!: (result: R) => void;
    let reject!: (err: unknown) => void;
    const done = new Promise<R>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    state.next = { detail, context, done, resolve, reject };
    return done;
  };
}

/** One detail that covers both: every merchant, the range from the earlier start to the later end. */
export function merged(a: SyncedDetail, b: SyncedDetail): SyncedDetail {
  const range =
    a.range && b.range
      ? // ISO dates: the text order is the date order.
        { from: [a.range.from, b.range.from].sort()[0]!, to: [a.range.to, b.range.to].sort()[1]! }
      : (a.range ?? b.range);
  return {
    userId: a.userId,
    merchants: [...new Set([...a.merchants, ...b.merchants])],
    range,
    ...(a.correlationId !== undefined ? { correlationId: a.correlationId } : b.correlationId !== undefined ? { correlationId: b.correlationId } : {}),
  };
}
