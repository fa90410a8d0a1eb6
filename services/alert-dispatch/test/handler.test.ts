import { buildEvent } from "@expenzez/events";
import { describe, expect, it } from "vitest";
import { UnroutableEventError } from "../src/errors";
import { parseAlertMessage } from "../src/handler";

const envelope = (detailType: string, source: string, detail: unknown) => JSON.stringify({ id: "eb-1", source, "detail-type": detailType, detail });

describe("alert-dispatch messages", () => {
  it("parses an alert event the bus delivered", () => {
    const e = buildEvent("ConnectionReconnectRequired", { userId: "u1", connectionId: "c1", reason: "access_denied" });
    expect(parseAlertMessage(envelope(e.detailType, e.source, e.detail))).toEqual({ detailType: "ConnectionReconnectRequired", detail: e.detail });
  });

  it("an event it does not handle, a bad detail or a body that is not JSON can never succeed: permanent, with the reason", () => {
    const synced = buildEvent("BudgetPeriodClosed", {
      userId: "u1",
      budgetId: "b1",
      category: "groceries",
      period: { start: "2024-03-01", end: "2024-04-01" },
      spentMinor: 1,
      limitMinor: 2,
      currency: "GBP",
    });
    const cases = [
      envelope(synced.detailType, synced.source, synced.detail),
      envelope("LargeTransactionDetected", "expenzez.sync", { version: 1 }),
      "{not json",
    ];
    for (const body of cases) {
      const err = (() => {
        try {
          parseAlertMessage(body);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UnroutableEventError);
      expect(err).toMatchObject({ code: "alerts.unroutable_event", retryable: false });
    }
  });
});
