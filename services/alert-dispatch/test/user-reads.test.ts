import { describe, expect, it } from "vitest";
import { createUserReadCache, type UserReads } from "../src/user-reads";

const reads = (n: number): UserReads => ({ preferences: undefined, profile: undefined, tokens: Array.from({ length: n }, () => ({}) as never) });

describe("createUserReadCache", () => {
  it("reads a user once for the notifications that ask within the time it keeps them, and again after", async () => {
    // Prepare
    let t = 0;
    let loads = 0;
    const cache = createUserReadCache({ ttlMs: 5000, now: () => t });
    const load = async () => reads(++loads);
    // Act
    const [a, b] = await Promise.all([cache.get("u1", load), cache.get("u1", load)]);
    t = 4999;
    const c = await cache.get("u1", load);
    t = 5000;
    const d = await cache.get("u1", load);
    // Assess
    expect([a, b, c].map((r) => r.tokens.length)).toEqual([1, 1, 1]);
    expect(d.tokens.length).toBe(2);
  });

  it("keeps users apart, forgets a user on request and never keeps a failed read", async () => {
    let loads = 0;
    const cache = createUserReadCache({ ttlMs: 5000, now: () => 0 });
    const load = async () => reads(++loads);
    await cache.get("u1", load);
    expect((await cache.get("u2", load)).tokens.length).toBe(2);
    cache.forget("u1");
    expect((await cache.get("u1", load)).tokens.length).toBe(3);
    await expect(cache.get("u3", () => Promise.reject(new Error("throttled")))).rejects.toThrow("throttled");
    expect((await cache.get("u3", load)).tokens.length).toBe(4);
  });
});
