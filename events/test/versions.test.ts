import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildEvent, CATALOGUE, EventValidationError, parseVersionedDetail } from "../src/index";

// A v2 of TransactionsSynced as a producer would introduce it (ADR 0011): a new literal and a
// new required field, beside the v1 schema that stays in the catalogue's history.
const syncedV1 = CATALOGUE.TransactionsSynced.schema;
const syncedV2 = syncedV1.extend({
  version: z.literal(2),
  perAccount: z.array(z.object({ accountId: z.string(), added: z.number().int().nonnegative() })),
});

const v1 = buildEvent("TransactionsSynced", {
  userId: "u1",
  connectionId: "c1",
  syncId: "s1",
  accountIds: ["a1"],
  counts: { added: 2, modified: 0, removed: 0 },
  categories: ["groceries"],
  merchants: ["Tesco"],
  range: { from: "2026-11-01", to: "2026-11-02" },
}).detail;
const v2 = { ...v1, version: 2 as const, perAccount: [{ accountId: "a1", added: 2 }] };

describe("a v2 of a detail-type beside v1", () => {
  it("a migrated consumer reads both versions and knows which it got", () => {
    const read = [v1, v2].map((d) => parseVersionedDetail("TransactionsSynced", d, { 1: syncedV1, 2: syncedV2 }));
    expect(read.map((r) => r.version)).toEqual([1, 2]);
    const second = read[1]!;
    expect(second.version === 2 && second.detail.perAccount).toEqual([{ accountId: "a1", added: 2 }]);
  });

  it("a consumer not yet migrated refuses v2 with a permanent, typed error (so consumers deploy first)", () => {
    const refused = (() => {
      try {
        parseVersionedDetail("TransactionsSynced", v2, { 1: syncedV1 });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(EventValidationError);
    expect(refused).toMatchObject({ code: "events.invalid_event", retryable: false });
  });

  it("an event is built at its schema's version, not a hard-coded 1", () => {
    expect(v1.version).toBe(1);
  });
});
