import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy } from "../src/fault-proxy";
import { createPrng } from "../src/prng";

// Loopback only: an echo server stands in for the emulator (no AWS here, only bytes).
let upstream: Server;
let upstreamUrl: string;
let received = 0;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    received++;
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", () => resolve()));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const post = (url: string) =>
  fetch(url, { method: "POST", body: "x".repeat(100), headers: { connection: "close" }, signal: AbortSignal.timeout(3000) }).then(
    async (r) => (await r.text()) === "ok",
    () => false,
  );

describe("the fault proxy", () => {
  it("passes requests through untouched when no fault is set", async () => {
    const proxy = await startFaultProxy(upstreamUrl, createPrng(1));
    try {
      expect(await Promise.all(Array.from({ length: 5 }, () => post(proxy.url)))).toEqual([true, true, true, true, true]);
    } finally {
      await proxy.stop();
    }
  });

  it("adds the latency it is set to", async () => {
    const proxy = await startFaultProxy(upstreamUrl, createPrng(2));
    try {
      proxy.set({ latencyMs: 150 });
      const started = Date.now();
      expect(await post(proxy.url)).toBe(true);
      // At least one chunk each way waits out the latency.
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(proxy.stats().delayedChunks).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.stop();
    }
  });

  it("cuts connections before and after the request reached the server, and counts both", async () => {
    const proxy = await startFaultProxy(upstreamUrl, createPrng(3));
    try {
      proxy.set({ dropProbability: 1 });
      received = 0;
      const results = await Promise.all(Array.from({ length: 20 }, () => post(proxy.url)));
      const stats = proxy.stats();
      expect(results.every((ok) => !ok)).toBe(true);
      expect(stats.droppedBeforeForward).toBeGreaterThan(0);
      expect(stats.droppedAfterForward).toBeGreaterThan(0);
      // Cut after forwarding: the server saw the request, the client never heard back.
      expect(received).toBeGreaterThan(0);
      expect(received).toBeLessThanOrEqual(stats.droppedAfterForward);
    } finally {
      await proxy.stop();
    }
  });
});
