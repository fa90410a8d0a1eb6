import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the counting proxy saw it. */
export interface Seen {
  /** `DynamoDB.TransactWriteItems`, `SQS.ReceiveMessage`, `TrueLayer GET /accounts/:id/transactions`... */
  operation: string;
  requestBody: string;
  /** Kept for DynamoDB only (read units are computed from what came back). */
  responseBody?: string;
}

const SERVICES: Record<string, string> = {
  DynamoDB_20120810: "DynamoDB",
  AmazonSQS: "SQS",
  AWSEvents: "EventBridge",
  TrentService: "KMS",
};

/** The service and operation of an AWS JSON-protocol request, from its X-Amz-Target. */
function awsOperation(target: string | undefined, body: string): string {
  if (target) {
    const [prefix, op] = target.split(".");
    return `${SERVICES[prefix ?? ""] ?? prefix}.${op}`;
  }
  // The query protocol (older SQS): Action=...
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  return action ? `SQS.${action}` : "other";
}

/** TrueLayer paths with ids replaced, so operations group. */
function trueLayerOperation(method: string, path: string): string {
  const clean = path.split("?")[0] ?? path;
  return `TrueLayer.${method} ${clean.replace(/\/(accounts|cards)\/[^/]+/, "/$1/:id")}`;
}

/** One whole exchange, kept while recording: what the floor (floor.ts) replays. */
export interface Exchange {
  /** Arrival order across every proxy of the process. */
  seq: number;
  kind: "aws" | "truelayer";
  operation: string;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  headers: Record<string, string>;
  body: string;
  status: number;
  responseHeaders: Record<string, string>;
  /** As the upstream sent it (bytes: it may be compressed). */
  responseBody: Buffer;
}

let arrivals = 0;

/**
 * A loopback HTTP proxy that forwards every request to `target` and records its operation:
 * the figures of the benchmark are counted here, outside the process being measured.
 */
export async function startCountingProxy(
  target: string,
  kind: "aws" | "truelayer",
): Promise<{ url: string; seen: Seen[]; recording: Exchange[] | undefined; record(on: boolean): Exchange[]; stop(): Promise<void> }> {
  const upstream = new URL(target);
  const seen: Seen[] = [];
  let recording: Exchange[] | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const text = body.toString("utf8");
      const operation =
        kind === "aws" ? awsOperation(req.headers["x-amz-target"] as string | undefined, text) : trueLayerOperation(req.method ?? "GET", req.url ?? "/");
      const record: Seen = { operation, requestBody: operation.startsWith("DynamoDB.") ? text : "" };
      const seq = arrivals++;
      seen.push(record);
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: `${upstream.pathname.replace(/\/$/, "")}${req.url}`, headers: req.headers },
        (up) => {
          const back: Buffer[] = [];
          up.on("data", (c: Buffer) => back.push(c));
          up.on("end", () => {
            const out = Buffer.concat(back);
            if (operation.startsWith("DynamoDB.")) record.responseBody = out.toString("utf8");
            // Hop-by-hop headers are the proxy's own (RFC 9110 7.6.1): passing the emulator's
            // `Connection: close` on would make the measured worker reconnect for every request,
            // a cost it does not have against the real endpoints.
            const { connection: _c, "keep-alive": _k, "transfer-encoding": _t, ...headers } = up.headers;
            recording?.push({
              seq,
              kind,
              operation,
              method: req.method ?? "GET",
              url: req.url ?? "/",
              headers: flat(req.headers),
              body: text,
              status: up.statusCode ?? 502,
              responseHeaders: flat(headers),
              responseBody: out,
            });
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(out);
          });
        },
      );
      forward.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${kind === "truelayer" ? upstream.pathname.replace(/\/$/, "") : ""}`,
    seen,
    get recording() {
      return recording;
    },
    /** Starts keeping whole exchanges (on), or stops and hands back what was kept. */
    record(on: boolean) {
      const kept = recording ?? [];
      recording = on ? [] : undefined;
      return kept;
    },
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Answers requests with recorded exchanges' responses, in the recorded order (cycling), for the
 * floor's replay (floor.ts): the replay sends one request at a time, so the next response is the
 * next request's. `mismatched` counts requests that were not the one expected.
 */
export async function startReplayServer(exchanges: readonly Exchange[]): Promise<{ url: string; mismatched(): number; stop(): Promise<void> }> {
  let next = 0;
  let mismatched = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const e = exchanges[next++ % exchanges.length] as Exchange;
      const target = req.headers["x-amz-target"];
      const same = e.kind === "aws" ? target === e.headers["x-amz-target"] : req.url === e.url;
      if (!same) mismatched++;
      res.writeHead(e.status, e.responseHeaders);
      res.end(e.responseBody);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, mismatched: () => mismatched, stop: () => new Promise<void>((r) => server.close(() => r())) };
}

function flat(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Requests by operation. */
export function countByOperation(seen: readonly Seen[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of seen) out[s.operation] = (out[s.operation] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
