import { describe, expect, it } from "vitest";
import { coalescePerUser, merged, type SyncedDetail } from "../src/coalesce";

const detail = (userId: string, merchants: string[], from: string, to: string): SyncedDetail => ({ userId, merchants, range: { from, to } });

/** A run that records what it was asked and finishes when told. */
function gatedRun() {
  const calls: SyncedDetail[] = [];
  const gates: (() => void)[] = [];
  const run = (d: SyncedDetail, _context: string) =>
    new Promise<number>((resolve, reject) => {
      calls.push(d);
      gates.push(() => (d.merchants.includes("fail") ? reject(new Error("boom")) : resolve(calls.length)));
    });
  return { calls, open: (i: number) => gates[i]?.(), run };
}

const settled = () => new Promise((r) => setTimeout(r, 0));

describe("coalescePerUser", () => {
  it("merges the events of one user that arrive while one runs into a single next evaluation", async () => {
    // Prepare
    const g = gatedRun();
    const evaluate = coalescePerUser(g.run);
    // Act
    const first = evaluate(detail("u1", ["Netflix"], "2024-01-01", "2024-01-31"), "m1");
    const second = evaluate(detail("u1", ["Spotify", "Netflix"], "2024-02-01", "2024-02-28"), "m2");
    const third = evaluate(detail("u1", ["Tesco"], "2023-12-01", "2024-01-15"), "m3");
    await settled();
    // Assess: one run so far; the waiting two become one
    expect(g.calls).toHaveLength(1);
    g.open(0);
    expect(await first).toBe(1);
    await settled();
    expect(g.calls).toHaveLength(2);
    expect(g.calls[1]).toEqual({ userId: "u1", merchants: ["Spotify", "Netflix", "Tesco"], range: { from: "2023-12-01", to: "2024-02-28" } });
    g.open(1);
    expect(await Promise.all([second, third])).toEqual([2, 2]);
  });

  it("runs different users side by side", async () => {
    const g = gatedRun();
    const evaluate = coalescePerUser(g.run);
    const a = evaluate(detail("u1", ["Netflix"], "2024-01-01", "2024-01-31"), "m1");
    const b = evaluate(detail("u2", ["Netflix"], "2024-01-01", "2024-01-31"), "m2");
    await settled();
    expect(g.calls.map((c) => c.userId)).toEqual(["u1", "u2"]);
    g.open(0);
    g.open(1);
    await expect(Promise.all([a, b])).resolves.toHaveLength(2);
  });

  it("fails only the messages of the evaluation that failed, and still runs the ones waiting", async () => {
    const g = gatedRun();
    const evaluate = coalescePerUser(g.run);
    const failing = evaluate(detail("u1", ["fail"], "2024-01-01", "2024-01-31"), "m1");
    const waiting = evaluate(detail("u1", ["Spotify"], "2024-02-01", "2024-02-28"), "m2");
    await settled();
    g.open(0);
    await expect(failing).rejects.toThrow("boom");
    await settled();
    g.open(1);
    await expect(waiting).resolves.toBe(2);
    // Nothing left running: the next event starts at once.
    const later = evaluate(detail("u1", ["Tesco"], "2024-03-01", "2024-03-31"), "m3");
    await settled();
    expect(g.calls).toHaveLength(3);
    g.open(2);
    await expect(later).resolves.toBe(3);
  });
});

describe("merged", () => {
  it("keeps the range of the one that has one and the first correlation id", () => {
    expect(merged({ userId: "u", merchants: ["A"], range: null, correlationId: "c1" }, detail("u", ["B"], "2024-01-01", "2024-01-02"))).toEqual({
      userId: "u",
      merchants: ["A", "B"],
      range: { from: "2024-01-01", to: "2024-01-02" },
      correlationId: "c1",
    });
  });
});
