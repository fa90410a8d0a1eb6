import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Prng } from "./prng";

/** What the proxy does to traffic right now; changed by the driver while the run lasts. */
export interface NetworkFaults {
  /** Added before each chunk is passed on, both ways (ms), plus up to `jitterMs` more. */
  latencyMs: number;
  jitterMs: number;
  /**
   * Chance that a chunk from a client ends its connection. Half the drops happen before the
   * chunk reaches the emulator (the request never arrived), half after it was passed on (the
   * emulator acted on it, the client never hears back: the ambiguous case retries must survive).
   */
  dropProbability: number;
}

export const NO_NETWORK_FAULTS: NetworkFaults = { latencyMs: 0, jitterMs: 0, dropProbability: 0 };

export interface FaultProxyStats {
  connections: number;
  /** Connections cut before the request reached the emulator. */
  droppedBeforeForward: number;
  /** Connections cut after the request reached the emulator, before the answer came back. */
  droppedAfterForward: number;
  /** Chunks held back by injected latency. */
  delayedChunks: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: give it to the services as AWS_ENDPOINT_URL. */
  url: string;
  set(faults: Partial<NetworkFaults>): void;
  current(): NetworkFaults;
  stats(): FaultProxyStats;
  stop(): Promise<void>;
}

/**
 * A TCP proxy between the services and the emulator that adds latency and cuts connections
 * mid-request. Hand-written on node:net (docs/adr/0050): the libraries on the registry either
 * only forward (node-tcp-proxy) or drive a separate Go server (toxiproxy), and what is needed
 * here is a seeded decision per chunk. Bytes are never altered, only delayed or cut.
 */
export async function startFaultProxy(upstream: string, random: Prng): Promise<FaultProxy> {
  const target = new URL(upstream);
  let faults: NetworkFaults = { ...NO_NETWORK_FAULTS };
  const stats: FaultProxyStats = { connections: 0, droppedBeforeForward: 0, droppedAfterForward: 0, delayedChunks: 0 };
  const sockets = new Set<Socket>();

  const delay = async (): Promise<void> => {
    const ms = faults.latencyMs + (faults.jitterMs > 0 ? random.int(0, faults.jitterMs) : 0);
    if (ms <= 0) return;
    stats.delayedChunks++;
    await sleep(ms);
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    stats.connections++;
    const server = connect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true });
    sockets.add(client);
    sockets.add(server);
    const cut = () => {
      client.destroy();
      server.destroy();
    };
    // One queue per direction keeps the byte order while chunks wait out their latency.
    let upstreamQueue = Promise.resolve();
    let downstreamQueue = Promise.resolve();
    // Set once a request was passed on and its connection is to be cut: its answer never arrives.
    let swallowAnswers = false;
    client.on("close", () => sockets.delete(client));
    server.on("close", () => sockets.delete(server));
    // A side that ends is ended on the other side once what waits in the queue is written.
    client.on("end", () => {
      upstreamQueue = upstreamQueue.then(() => void server.end());
    });
    server.on("end", () => {
      downstreamQueue = downstreamQueue.then(() => void client.end());
    });
    client.on("error", cut);
    server.on("error", cut);
    client.on("data", (chunk) => {
      const drop = faults.dropProbability > 0 && random.chance(faults.dropProbability);
      const afterForward = drop && random.chance(0.5);
      upstreamQueue = upstreamQueue.then(async () => {
        await delay();
        if (drop && !afterForward) {
          stats.droppedBeforeForward++;
          return cut();
        }
        if (!server.destroyed) server.write(chunk);
        if (afterForward) {
          stats.droppedAfterForward++;
          swallowAnswers = true;
          // Long enough for the emulator to have read (and usually acted on) the request.
          await sleep(random.int(5, 60));
          cut();
        }
      });
    });
    server.on("data", (chunk) => {
      downstreamQueue = downstreamQueue.then(async () => {
        await delay();
        if (!swallowAnswers && !client.destroyed) client.write(chunk);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (next) => {
      faults = { ...faults, ...next };
    },
    current: () => ({ ...faults }),
    stats: () => ({ ...stats }),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
