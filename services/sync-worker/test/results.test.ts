import { describe, expect, it } from "vitest";
import { resultsRequest } from "../src/results";

const ref = (requestUri: string) => ({ uri: "https://api.truelayer.com/data/v1/results/t1", taskId: "t1", requestUri, status: "Succeeded" as const });
const data = "https://api.truelayer.com/data/v1";

describe("resultsRequest", () => {
  it("reads the account or card and the booked range an async request asked for", () => {
    expect(resultsRequest(ref(`${data}/accounts/acc%231/transactions?from=2026-01-01&to=2026-06-01T10:00:00Z&async=true`))).toEqual({
      kind: "account",
      providerAccountId: "acc#1",
      window: { from: "2026-01-01T00:00:00.000Z", to: "2026-06-01T10:00:00.000Z" },
    });
    expect(resultsRequest(ref(`${data}/cards/k1/transactions?from=2026-01-01&to=2026-02-01`)).kind).toBe("card");
  });

  it("refuses for good a request the worker never makes: another endpoint, no range, a range that ends before it starts, an account id that does not decode", () => {
    const refused = [
      `${data}/accounts/a1/transactions/pending?from=2026-01-01&to=2026-02-01`,
      `${data}/accounts/a1/balance`,
      `${data}/accounts/a1/transactions?from=2026-01-01`,
      `${data}/accounts/a1/transactions?from=yesterday&to=2026-02-01`,
      `${data}/accounts/a1/transactions?from=2026-03-01&to=2026-02-01`,
      // An account id whose percent-encoding does not decode.
      `${data}/accounts/a%E0%A4%A/transactions?from=2026-01-01&to=2026-02-01`,
    ];
    for (const uri of refused)
      expect(() => resultsRequest(ref(uri)), uri).toThrow(expect.objectContaining({ code: "sync.results_unusable", retryable: false }));
  });
});
