import { describe, expect, it } from "vitest";
import { DataKeyCache } from "../src/key-cache";

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("DataKeyCache", () => {
  it("expires an entry after its ttl and zeroes the key", () => {
    // Prepare
    const c = clock();
    const cache = new DataKeyCache<string>({ ttlMs: 100, maxUses: 10, maxEntries: 5 }, c.now);
    const key = Buffer.alloc(32, 7);
    cache.put("a", "hdr", key, 0);
    // Act
    const fresh = cache.take("a", true);
    c.advance(100);
    const stale = cache.take("a", true);
    // Assess
    expect(fresh?.value).toBe("hdr");
    expect(stale).toBeUndefined();
    expect(key.every((b) => b === 0)).toBe(true);
  });

  it("stops handing out a key after maxUses", () => {
    const cache = new DataKeyCache<string>({ ttlMs: 1e9, maxUses: 2, maxEntries: 5 }, () => 0);
    cache.put("a", "hdr", Buffer.alloc(32), 0);
    expect(cache.take("a", true)).toBeDefined();
    expect(cache.take("a", true)).toBeDefined();
    expect(cache.take("a", true)).toBeUndefined();
  });

  it("evicts the least recently used entry beyond maxEntries", () => {
    const cache = new DataKeyCache<string>({ ttlMs: 1e9, maxUses: 99, maxEntries: 2 }, () => 0);
    cache.put("a", "A", Buffer.alloc(32), 0);
    cache.put("b", "B", Buffer.alloc(32), 0);
    cache.take("a", false);
    cache.put("c", "C", Buffer.alloc(32), 0);
    expect(cache.size).toBe(2);
    expect(cache.take("b", false)).toBeUndefined();
    expect(cache.take("a", false)?.value).toBe("A");
  });
});
