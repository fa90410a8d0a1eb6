// The floor under the worker's CPU figure: the same requests with the same bodies through the same
// libraries with none of our logic. run.ts records every exchange of the first sync's measured
// phase at its proxies, answers them again from a replay server in its own process (its CPU not
// counted), and forks this process, pinned like the worker: it replays the phase's requests in
// their order, one at a time, the bank's GETs through a bare axios instance (keep-alive, its
// default JSON parsing) and the AWS commands through bare SDK clients (default configuration;
// each command built from the recorded body before the timing), one warm-up round unmeasured
// and then FLOOR_ROUNDS measured ones. Each measured round is paired with one through SDK clients
// with `cacheMiddleware: true` (their middleware stack resolved once per command class), the
// pair's order alternating (the second of two rounds could run on warmer caches), so the option's
// effect is measured in the same conditions; the bank's requests, which it does not touch, are
// the control. Answers CPU (user + system,
// every thread; the main thread apart) per round and per operation over IPC.
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import * as dynamodb from "@aws-sdk/client-dynamodb";
import * as eventbridge from "@aws-sdk/client-eventbridge";
import * as kms from "@aws-sdk/client-kms";
import * as sqs from "@aws-sdk/client-sqs";
import axios from "axios";
import type { Exchange } from "./proxy";
import { callingThreadCpuMicros, processCpuMicros } from "./threads";

/** What run.ts sends: each request of the phase, in order, as the proxy saw it. */
export type FloorRequest = Pick<Exchange, "kind" | "operation" | "method" | "url" | "headers" | "body">;

export interface FloorRound {
  cpuMicros: number;
  mainMicros: number | undefined;
  /** CPU µs by operation (every thread, request by request). */
  byOperation: Record<string, number>;
  /** Requests the library threw on (a replay out of step): none when the replay is faithful. */
  errors: number;
}

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const requests = JSON.parse(readFileSync(env("FLOOR_FILE"), "utf8")) as FloorRequest[];
const endpoint = env("FLOOR_URL");
const rounds = Number(process.env.FLOOR_ROUNDS ?? 4);

type Module = Record<string, unknown>;
type Services = Record<string, { client: { send(c: unknown): Promise<unknown>; destroy(): void }; module: Module }>;
function clients(cacheMiddleware: boolean): Services {
  const config = { region: "eu-west-2", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" }, cacheMiddleware };
  return {
    DynamoDB: { client: new dynamodb.DynamoDBClient(config), module: dynamodb as Module },
    SQS: { client: new sqs.SQSClient(config), module: sqs as Module },
    EventBridge: { client: new eventbridge.EventBridgeClient(config), module: eventbridge as Module },
    KMS: { client: new kms.KMSClient(config), module: kms as Module },
  };
}
const bank = axios.create({ httpAgent: new Agent({ keepAlive: true }) });

/** KMS inputs carry blobs as bytes; on the wire they are base64. */
const BLOBS = new Set(["CiphertextBlob", "Plaintext"]);

function awsCall(r: FloorRequest, services: Services): () => Promise<unknown> {
  const [service, op] = r.operation.split(".") as [string, string];
  const s = services[service];
  const Command = s?.module[`${op}Command`] as (new (input: unknown) => unknown) | undefined;
  if (!s || !Command) throw new Error(`no SDK command for ${r.operation}`);
  const input = JSON.parse(r.body) as Record<string, unknown>;
  if (service === "KMS") for (const k of Object.keys(input)) if (BLOBS.has(k)) input[k] = Buffer.from(input[k] as string, "base64");
  const command = new Command(input);
  return () => s.client.send(command);
}

function bankCall(r: FloorRequest): () => Promise<unknown> {
  const { host: _h, connection: _c, "content-length": _l, ...headers } = r.headers;
  const config = { method: r.method, url: `${endpoint}${r.url}`, headers, ...(r.body ? { data: r.body } : {}) };
  return () => bank.request(config);
}

const plain = clients(false);
const cached = clients(true);
const callsThrough = (services: Services) => requests.map((r) => ({ operation: r.operation, send: r.kind === "aws" ? awsCall(r, services) : bankCall(r) }));
const calls = callsThrough(plain);
const cachedCalls = callsThrough(cached);

async function round(calls: readonly { operation: string; send: () => Promise<unknown> }[]): Promise<FloorRound> {
  const byOperation: Record<string, number> = {};
  let errors = 0;
  const start = processCpuMicros();
  const main0 = callingThreadCpuMicros();
  for (const c of calls) {
    const before = processCpuMicros();
    await c.send().catch(() => errors++);
    byOperation[c.operation] = (byOperation[c.operation] ?? 0) + processCpuMicros() - before;
  }
  const main1 = callingThreadCpuMicros();
  return { cpuMicros: processCpuMicros() - start, mainMicros: main0 === undefined || main1 === undefined ? undefined : main1 - main0, byOperation, errors };
}

// Warm-up: lazy modules, V8's optimising compiler.
await round(calls);
await round(cachedCalls);
const measured: FloorRound[] = [];
const withCachedMiddleware: FloorRound[] = [];
for (let i = 0; i < rounds; i++) {
  if (i % 2 === 0) {
    measured.push(await round(calls));
    withCachedMiddleware.push(await round(cachedCalls));
  } else {
    withCachedMiddleware.push(await round(cachedCalls));
    measured.push(await round(calls));
  }
}
process.send?.({ rounds: measured, cachedMiddlewareRounds: withCachedMiddleware });
for (const s of [...Object.values(plain), ...Object.values(cached)]) s.client.destroy();
bank.defaults.httpAgent?.destroy();
process.disconnect?.();
