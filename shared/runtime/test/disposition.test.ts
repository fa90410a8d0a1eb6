import { ExpenzezError } from "@expenzez/common";
import { transactionEntity } from "@expenzez/db";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as zm from "zod/mini";
import { classifyFailure, DeferMessage, deferral, lastReceive, MAX_DEFERRALS, PermanentFailure, RETRIES_EXHAUSTED, RetryLater } from "../src/index";

describe("classifyFailure", () => {
  it("decides for thrown values that have no string conversion (a null-prototype object, an Error whose message is not a string)", () => {
    const bare = Object.create(null);
    expect(classifyFailure(bare, 1)).toMatchObject({ kind: "retry", code: "unknown", reason: "[object Object]" });
    expect(classifyFailure([bare], 1)).toMatchObject({ kind: "retry", reason: "[object Array]" });
    const odd = Object.assign(new Error("x"), { message: { text: "not a string" } });
    expect(classifyFailure(odd, 1)).toMatchObject({ kind: "retry", code: "Error", reason: "[object Object]" });
  });

  it("dead-letters permanent failures with their code and reason", () => {
    expect(classifyFailure(new PermanentFailure("sync.unknown_connection", "no connection c1"), 1)).toEqual({
      kind: "dead",
      code: "sync.unknown_connection",
      reason: "no connection c1",
    });
  });

  it("dead-letters validation errors from zod and errors that declare themselves permanent", () => {
    const zodError = z.object({ a: z.string() }).safeParse({}).error;
    expect(classifyFailure(zodError, 1).kind).toBe("dead");
    const thrown = (() => {
      try {
        zm.parse(zm.object({ a: zm.string() }), {});
      } catch (err) {
        return err;
      }
    })();
    expect(classifyFailure(thrown, 1).kind).toBe("dead");
    const dbInvalid = (() => {
      try {
        transactionEntity.toItem({} as never);
      } catch (err) {
        return err;
      }
    })();
    expect(classifyFailure(dbInvalid, 1)).toMatchObject({ kind: "dead", code: "db.validation_failed" });
    const declared = new ExpenzezError("events.invalid_event", "bad event", { retryable: false });
    expect(classifyFailure(declared, 1)).toMatchObject({ kind: "dead", code: "events.invalid_event" });
    // Duck typing is gone: only the error family's own advice decides.
    expect(classifyFailure(Object.assign(new Error("looks permanent"), { permanent: true }), 1).kind).toBe("retry");
  });

  it("retries anything else with full-jitter backoff that grows with the receive count", () => {
    const max = () => 0.999999;
    const delays = [1, 2, 3, 4, 5, 12].map((n) => classifyFailure(new Error("timeout"), n, max));
    expect(delays.map((d) => (d.kind === "retry" ? d.delaySeconds : -1))).toEqual([1, 3, 7, 15, 31, 899]);
    const min = classifyFailure(new Error("timeout"), 5, () => 0);
    expect(min).toMatchObject({ kind: "retry", delaySeconds: 0, code: "Error" });
  });

  it("honours an explicit delay such as Retry-After, capped at 15 minutes", () => {
    expect(classifyFailure(new RetryLater("truelayer.rate_limited", "429", 42.2), 1)).toMatchObject({ kind: "retry", delaySeconds: 43 });
    expect(classifyFailure(new RetryLater("x", "y", 86_400), 1)).toMatchObject({ delaySeconds: 900 });
    // SQS rejects a negative visibility timeout: a Retry-After date already past means "now".
    expect(classifyFailure(new RetryLater("x", "y", -30), 1)).toMatchObject({ kind: "retry", delaySeconds: 0 });
    expect(classifyFailure(new RetryLater("x", "y", Number.NaN), 3, () => 0.5)).toMatchObject({ kind: "retry", delaySeconds: 4 });
  });

  it("keeps reasons short", () => {
    const d = classifyFailure(new PermanentFailure("x", "y".repeat(5000)), 1);
    expect(d.kind === "dead" && d.reason.length).toBe(1001);
  });
});

describe("lastReceive", () => {
  const retry = classifyFailure(new RetryLater("truelayer.provider_error", "503 from the bank", 4), 5);

  it("dead-letters a retry on the queue's last allowed receive, with retries_exhausted and the last error", () => {
    expect(lastReceive(retry, 5, 5)).toEqual({ kind: "dead", code: RETRIES_EXHAUSTED, reason: "truelayer.provider_error: 503 from the bank (receive 5 of 5)" });
    // ApproximateReceiveCount can run past the setting (a redrive that lagged): still the last.
    expect(lastReceive(retry, 7, 5).kind).toBe("dead");
  });

  it("leaves a retry before the last receive, a permanent failure, and a queue without redrive as they are", () => {
    expect(lastReceive(retry, 4, 5)).toBe(retry);
    expect(lastReceive(retry, 50, undefined)).toBe(retry);
    const permanent = classifyFailure(new PermanentFailure("sync.invalid_job", "no"), 5);
    expect(lastReceive(permanent, 5, 5)).toBe(permanent);
  });

  it("keeps the reason short whatever the last error said", () => {
    const long = classifyFailure(new Error("z".repeat(5000)), 5);
    const dead = lastReceive(long, 5, 5);
    expect(dead.kind === "dead" && dead.reason.length).toBe(1001);
  });
});

describe("deferral", () => {
  it("waits what the handler asked, whole seconds from 1 to SQS's 900", () => {
    expect(deferral(new DeferMessage("sync.lease_held", "held", 12.2), 0)).toMatchObject({ kind: "defer", delaySeconds: 13, code: "sync.lease_held" });
    expect(deferral(new DeferMessage("x", "y", 0), 0)?.delaySeconds).toBe(1);
    expect(deferral(new DeferMessage("x", "y", 5000), 0)?.delaySeconds).toBe(900);
  });

  it("with a first wait, doubles it per deferral up to the longest useful wait", () => {
    const claim = new DeferMessage("runtime.idempotency_in_progress", "busy", 60, { firstWaitSeconds: 2 });
    expect([0, 1, 2, 3, 4, 5].map((n) => deferral(claim, n)?.delaySeconds)).toEqual([2, 4, 8, 16, 32, 60]);
  });

  it("is no deferral past the bound, nor for any other error", () => {
    expect(deferral(new DeferMessage("x", "y", 5), MAX_DEFERRALS)).toBeUndefined();
    expect(deferral(new RetryLater("x", "y", 5), 0)).toBeUndefined();
  });
});
