import { describe, expect, it } from "vitest";
import { withQuarantined } from "../src/connection";

const refused = (accountId: string, providerTransactionId: string, reason = "amount: Invalid input") => ({ accountId, providerTransactionId, reason });

describe("withQuarantined", () => {
  it("appends what a sync refused, newest last, and keeps the last 20", () => {
    const existing = Array.from({ length: 20 }, (_, i) => ({ ...refused("a1", `t${i}`), at: "2026-11-01T00:00:00.000Z" }));
    const next = withQuarantined({ quarantine: existing }, [refused("a2", "n1")], "2026-11-02T00:00:00.000Z");
    expect(next).toHaveLength(20);
    expect(next[0]?.providerTransactionId).toBe("t1");
    expect(next[19]).toEqual({ ...refused("a2", "n1"), at: "2026-11-02T00:00:00.000Z" });
  });

  it("moves an entry refused again to the end with its new time instead of listing it twice", () => {
    const existing = [
      { ...refused("a1", "t1"), at: "2026-11-01T00:00:00.000Z" },
      { ...refused("a1", "t2"), at: "2026-11-01T00:00:00.000Z" },
    ];
    const next = withQuarantined({ quarantine: existing }, [refused("a1", "t1")], "2026-11-02T00:00:00.000Z");
    expect(next).toEqual([
      { ...refused("a1", "t2"), at: "2026-11-01T00:00:00.000Z" },
      { ...refused("a1", "t1"), at: "2026-11-02T00:00:00.000Z" },
    ]);
  });

  it("keeps an entry with another reason, and two refused in one sync under no id, as separate entries", () => {
    const existing = [{ ...refused("a1", "t1", "amount: Invalid input"), at: "2026-11-01T00:00:00.000Z" }];
    const twins = [
      { accountId: "a1", reason: "timestamp: Invalid input" },
      { accountId: "a1", reason: "timestamp: Invalid input" },
    ];
    const next = withQuarantined({ quarantine: existing }, [refused("a1", "t1", "currency: Invalid input"), ...twins], "2026-11-02T00:00:00.000Z");
    expect(next.map((q) => q.reason)).toEqual(["amount: Invalid input", "currency: Invalid input", "timestamp: Invalid input", "timestamp: Invalid input"]);
  });
});
