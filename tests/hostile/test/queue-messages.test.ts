import { handleAlertMessage } from "@expenzez/alert-dispatch";
import { handleBudgetEvent } from "@expenzez/budget-recalc";
import { ExpenzezError } from "@expenzez/common";
import { type DetailType, parseDeliveredEvent, parseSyncJob } from "@expenzez/events";
import { createLogger } from "@expenzez/logger";
import { handleRecurringMessage } from "@expenzez/recurring-detector";
import { classifyFailure, PermanentFailure, processMessage, RetryLater } from "@expenzez/runtime";
import { handleSyncJob } from "@expenzez/sync-worker";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hostileBody, hostileJson, hostileText } from "../src/arbitraries";
import { type Boundary, check, runs } from "../src/cases";
import { ReachedDeps, untouchable } from "../src/untouchable";
import { ALERT_TYPES, ANY_TYPES, BUDGET_TYPES, SYNC_TYPES, validEnvelopes, validSyncJob } from "../src/valid";

// Pure parsing boundaries of every queue consumer: no network. A body that fails its schema
// must be dead-lettered (permanent, with a code and a reason) before the handler touches anything.

const log = createLogger("hostile", { level: "silent" });
const MAX_VISIBILITY_SECONDS = 43_200;

/** What the runtime decides for whatever the handler threw, checked to be one SQS can carry out. */
function expectSaneDisposition(error: unknown, receiveCount: number) {
  const d = classifyFailure(error, receiveCount);
  expect(d.code.length).toBeGreaterThan(0);
  expect(typeof d.reason).toBe("string");
  expect(d.reason.length).toBeLessThanOrEqual(1001);
  if (d.kind === "retry") {
    expect(Number.isInteger(d.delaySeconds)).toBe(true);
    expect(d.delaySeconds).toBeGreaterThanOrEqual(0);
    expect(d.delaySeconds).toBeLessThanOrEqual(MAX_VISIBILITY_SECONDS);
  }
  return d;
}

describe("classifyFailure with anything a handler can throw", () => {
  const thrown = fc.oneof(
    hostileJson,
    hostileText,
    fc.constantFrom(undefined, null, Symbol("s"), 0n),
    fc.tuple(hostileText, hostileText).map(([code, message]) => Object.assign(new Error(message), { code })),
    fc
      .record({ code: hostileText, message: hostileText, retryable: fc.boolean(), after: fc.option(fc.double(), { nil: undefined }) })
      .map((e) => new ExpenzezError(e.code, e.message, { retryable: e.retryable, ...(e.after !== undefined ? { retryAfterSeconds: e.after } : {}) })),
    fc.tuple(hostileText, fc.option(fc.double(), { nil: undefined })).map(([m, s]) => new RetryLater("x.later", m, s)),
    hostileText.map((m) => new PermanentFailure("x.permanent", m)),
    fc.string({ minLength: 1001, maxLength: 3000 }).map((m) => new Error(m)),
  );

  it("always gives a disposition SQS accepts: a code, a bounded reason, a whole delay within the visibility limit", async ({ task }) => {
    await check(
      task,
      "sqs-classify-failure",
      fc.property(thrown, fc.integer({ min: 0, max: 10_000 }), (error, receiveCount) => {
        const d = expectSaneDisposition(error, receiveCount);
        if (error instanceof ExpenzezError) expect(d.kind).toBe(error.retryable ? "retry" : "dead");
      }),
      runs(2500),
    );
  });

  it("processMessage settles whatever the handler throws (or returns), never rejects", async ({ task }) => {
    await check(
      task,
      "sqs-classify-failure",
      fc.asyncProperty(thrown, fc.boolean(), async (error, sync) => {
        const handler = sync
          ? () => {
              throw error;
            }
          : async () => Promise.reject(error);
        const d = await processMessage(
          handler as never,
          { messageId: "m", body: "", receiveCount: 1, receiptHandle: "r", attributes: {} },
          {
            log,
            signal: new AbortController().signal,
          },
        );
        expect(["retry", "dead"]).toContain(d.kind);
      }),
      runs(500),
    );
  });
});

/** A consumer's handler fed hostile bodies: permanent with a code, or (a body that happens to be valid) it reached its deps. */
async function expectPermanentUnlessValid(
  handler: (message: { body: string }, deps: never) => Promise<unknown>,
  body: string,
  isValidForConsumer: (body: string) => boolean,
) {
  let error: unknown;
  try {
    await handler({ body }, untouchable(log));
  } catch (err) {
    error = err;
  }
  if (error instanceof ReachedDeps) {
    expect(isValidForConsumer(body)).toBe(true);
    return;
  }
  // Finishing without deps is fine only for a valid event that asks for nothing (e.g. a null range).
  if (error === undefined) {
    expect(isValidForConsumer(body)).toBe(true);
    return;
  }
  const d = expectSaneDisposition(error, 1);
  expect(d.kind, `${d.code}: ${d.reason}`).toBe("dead");
  expect(d.code).toMatch(/^[a-z_-]+\.[a-z_.]+$/);
}

function parsesAs(types: readonly DetailType[]) {
  return (body: string) => {
    try {
      return types.includes(parseDeliveredEvent(body).detailType);
    } catch {
      return false;
    }
  };
}

const consumers: { boundary: Boundary; handler: (m: { body: string }, d: never) => Promise<unknown>; accepts: readonly DetailType[] }[] = [
  { boundary: "eventbridge-budget-recalc", handler: handleBudgetEvent, accepts: BUDGET_TYPES },
  { boundary: "eventbridge-recurring-detector", handler: handleRecurringMessage, accepts: SYNC_TYPES },
  { boundary: "eventbridge-alert-dispatch", handler: handleAlertMessage, accepts: ALERT_TYPES },
];

describe.each(consumers)("$boundary with hostile EventBridge deliveries", ({ boundary, handler, accepts }) => {
  it("dead-letters every body that is not one of its events, with a code, before touching anything", async ({ task }) => {
    const body = hostileBody(validEnvelopes(ANY_TYPES));
    await check(
      task,
      boundary,
      fc.asyncProperty(body, async (b) => expectPermanentUnlessValid(handler, b, parsesAs(accepts))),
      runs(1500),
    );
  });

  it("dead-letters valid events of detail-types it does not handle", async ({ task }) => {
    const others = ANY_TYPES.filter((t) => !(accepts as readonly string[]).includes(t));
    await check(
      task,
      boundary,
      fc.asyncProperty(validEnvelopes(others), async (envelope) => expectPermanentUnlessValid(handler, JSON.stringify(envelope), () => false)),
      runs(200),
    );
  });
});

describe("sync-worker with hostile SyncJob bodies", () => {
  it("dead-letters every body that is not a SyncJob with sync.invalid_job, before touching anything", async ({ task }) => {
    await check(
      task,
      "sqs-sync-job",
      fc.asyncProperty(hostileBody(validSyncJob), async (b) => expectPermanentUnlessValid(handleSyncJob as never, b, (x) => parseSyncJob(x).ok)),
      runs(2000),
    );
  });
});
