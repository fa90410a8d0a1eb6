import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface CountingProxy {
  url: string;
  /** Requests per X-Amz-Target ("DynamoDB_20120810.Query" → "dynamodb:Query"). */
  counts(): Map<string, number>;
  /** Total requests of one service prefix, e.g. "dynamodb". */
  total(service: string): number;
  /**
   * Requests by the process that sent them (its SDK app id, `AWS_SDK_UA_APP_ID`, which the demo
   * sets to the service's name) and operation: `{ "recurring-detector": { "dynamodb:Query": 812 } }`.
   */
  bySender(): Record<string, Record<string, number>>;
  /** Requests the emulator never answered (connection errors), as "operation: reason". */
  errors(): string[];
  stop(): Promise<void>;
}

/**
 * A pass-through HTTP proxy in front of the emulator that counts AWS requests by operation.
 * The services talk to the emulator through it, the demo's own reads do not, so the summary's
 * "DynamoDB requests per 1,000 transactions" is the pipeline's cost alone. A hand-written pipe
 * (node:http, ~30 lines) because all it does is count a header; see docs/adr/0045.
 */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = new Map<string, number>();
  const senders = new Map<string, Record<string, number>>();
  const errors: string[] = [];
  const server = createServer((req, res) => {
    const op = req.headers["x-amz-target"];
    if (typeof op === "string") {
      const [service = "?", name = "?"] = op.split(".");
      const key = `${service.startsWith("DynamoDB") ? "dynamodb" : service.startsWith("AmazonSQS") ? "sqs" : service.toLowerCase()}:${name}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      const sender = senderOf(req.headers["user-agent"]);
      const bySender = senders.get(sender) ?? {};
      bySender[key] = (bySender[key] ?? 0) + 1;
      senders.set(sender, bySender);
    }
    const forward = request({ agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on("error", (err) => {
      errors.push(`${String(op ?? req.method)}: ${err.message}`);
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts: () => new Map(counts),
    errors: () => [...errors],
    bySender: () => Object.fromEntries([...senders].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).sort())])),
    total: (service) => [...counts].filter(([k]) => k.startsWith(`${service}:`)).reduce((n, [, v]) => n + v, 0),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/**
 * The `app/<id>` token of an AWS SDK user agent, without the `-PT-…` that Powertools appends to
 * it; "unnamed" for a client without one.
 */
function senderOf(userAgent: string | undefined): string {
  return /(?:^|\s)app\/(\S+?)(?:-PT-\S*)?(?:\s|$)/.exec(userAgent ?? "")?.[1] ?? "unnamed";
}
