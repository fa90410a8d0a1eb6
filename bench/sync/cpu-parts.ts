/**
 * The sync worker's per-transaction CPU, part by part, in one process without a network: the
 * simulator's booked transactions of one account (90 days) parsed as the client does after
 * axios (JSON.parse, then the bank's schema one by one), categorised as one batch, mapped to
 * stored transactions, built as entity items and marshalled (ADR 0063), then the SDK's whole
 * send of one TransactWriteItems of 98 puts (serialiser, middleware, SigV4 over the body, a
 * canned answer), and JSON.stringify of that input for comparison. µs per transaction; the
 * HTTP exchanges, reconcile, planning and events are not in it. Then the fixed cost of one
 * request, µs per request: a GET to a loopback server in another process (its CPU not counted)
 * by Node's http alone and by the TrueLayer client (axios, limits, retries, zod), and one small
 * SDK request (UpdateItem; middleware, endpoint, signing, a canned answer). A job makes about 11
 * bank requests and 10 AWS requests whatever its size.
 *
 *   pnpm --filter @expenzez/bench exec tsx sync/cpu-parts.ts
 */
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { PerformanceObserver, performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { createCategoriser } from "@expenzez/categoriser";
import { keys, TRANSACT_WRITE_SERIALIZER, toAttributeMap, toTransactWriteItem, transactionEntity, transactWriteSerializer, txPutNewParsed } from "@expenzez/db";
import { categorisableOf, occurrencesOf, toStoredTransaction } from "@expenzez/sync";
import { createTrueLayerClient, transactionSchema } from "@expenzez/truelayer";
import { startSandbox } from "@expenzez/truelayer-sandbox";

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const NOW = new Date("2026-11-20T12:00:00Z");

// One account's 90 days as the simulator serves them (fetched once, not measured).
const sandbox = await startSandbox({ seed: "bench-cpu-parts", now: NOW });
const user = await sandbox.admin.createUser({ accounts: 1, cards: 0, history_days: 90, scenario: { unattended_limit: null } });
const auth = { headers: { Authorization: `Bearer ${user.tokens.access_token}` } };
const accounts = (await (await fetch(`${sandbox.dataUrl}/accounts`, auth)).json()) as { results: { account_id: string }[] };
const accountId = accounts.results[0]?.account_id as string;
const body = await (await fetch(`${sandbox.dataUrl}/accounts/${accountId}/transactions?from=2026-08-22&to=2026-11-20`, auth)).text();
await sandbox.stop();

const parseBank = () => (JSON.parse(body) as { results: unknown[] }).results.map((raw) => transactionSchema.parse(raw));
const bank = parseBank();
const categoriser = createCategoriser({ userId: "u-bench", rules: [], ownAccounts: [accountId] });
const categorise = () => categoriser.categoriseBatch(bank.map((tl) => categorisableOf(tl, accountId)));
const categorisations = categorise();
const ctx = { userId: "u-bench", connectionId: "conn-bench", accountId, status: "booked" as const, now: NOW.toISOString() };
const build = () => {
  const occurrences = occurrencesOf(bank);
  return bank.map((tl, i) => toStoredTransaction(tl, categorisations[i] as (typeof categorisations)[number], ctx, occurrences[i]));
};
const stored = build();
const db = { doc: {} as never, tableName: "expenzez-local" };
const puts = stored.slice(0, 98);
const marshal = () => puts.map((t) => toTransactWriteItem(txPutNewParsed(db, transactionEntity, t)));
const input = { TransactItems: marshal() };
const client = new DynamoDBClient({
  region: "eu-west-2",
  endpoint: "http://127.0.0.1:1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  requestHandler: {
    handle: async () => ({
      response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: Readable.from([Buffer.from("{}")]) },
    }),
  } as never,
});

function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

// Garbage per part: the V8 heap's growth over one round that no collection interrupted (the
// gc() before each round is V8's, exposed here rather than by a node flag; Buffers' bytes are
// outside the V8 heap and not counted).
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const collections: { start: number; end: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ["gc"] });

async function allocatedPerRound(fn: () => unknown): Promise<number | undefined> {
  const rounds: { start: number; end: number; bytes: number }[] = [];
  for (let i = 0; i < 9; i++) {
    gc();
    const start = performance.now();
    const before = process.memoryUsage().heapUsed;
    await fn();
    const bytes = process.memoryUsage().heapUsed - before;
    rounds.push({ start, end: performance.now(), bytes });
  }
  await new Promise((r) => setTimeout(r, 10)); // the observer reports collections asynchronously
  const clean = rounds.filter((r) => !collections.some((c) => c.end > r.start && c.start < r.end)).map((r) => r.bytes);
  clean.sort((a, b) => a - b);
  return clean.length ? clean[Math.floor(clean.length / 2)] : undefined;
}

async function measure(name: string, perRound: number, fn: () => unknown, rounds = ROUNDS): Promise<void> {
  for (let i = 0; i < Math.max(30, rounds / 5); i++) await fn(); // optimised code, as in the worker's steady state
  const start = cpu();
  for (let i = 0; i < rounds; i++) await fn();
  const micros = (cpu() - start) / rounds / perRound;
  const bytes = await allocatedPerRound(fn);
  console.log(`| ${name} | ${micros.toFixed(1)} | ${bytes === undefined ? "(a collection in every round)" : (bytes / perRound).toFixed(0)} |`);
}

console.log(`load average ${loadavg()[0]?.toFixed(1)}, Node ${process.version}, ${bank.length} booked transactions, ${ROUNDS} rounds\n`);
console.log("| part | µs per transaction | V8 heap bytes allocated per transaction |\n|---|---|---|");
await measure("JSON.parse of the bank's body + its schema, one by one", bank.length, parseBank);
await measure("categorise (one batch)", bank.length, categorise);
await measure("map to stored transactions (ids, sanitising)", bank.length, build);
await measure("entity items + our marshalling (ADR 0063)", puts.length, marshal);
await measure("the SDK's send of 98 marshalled puts, its schema serializer (no network)", puts.length, () => client.send(new TransactWriteItemsCommand(input)));
await measure("the same send, the body one JSON.stringify (ADR 0066; transactWrite's)", puts.length, () => {
  const command = new TransactWriteItemsCommand(input);
  command.middlewareStack.add(transactWriteSerializer, TRANSACT_WRITE_SERIALIZER);
  return client.send(command);
});
await measure("JSON.stringify of the same input", puts.length, () => JSON.stringify(input));
console.log(`\nrequest body: ${(Buffer.byteLength(JSON.stringify(input)) / puts.length).toFixed(0)} B per transaction`);

// One request's fixed cost: a balance (TrueLayer's shape) from a server in another process.
const balance = JSON.stringify({ results: [{ currency: "GBP", current: 1234.56, available: 1000, update_timestamp: "2026-11-20T12:00:00Z" }] });
const server = spawn(
  process.execPath,
  [
    "-e",
    `require("node:http").createServer((q, r) => { r.writeHead(200, { "content-type": "application/json" }); r.end(${JSON.stringify(balance)}); }).listen(0, "127.0.0.1", function () { console.log(this.address().port); });`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const port = Number(await new Promise<string>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(d.toString()))));
const agent = new Agent({ keepAlive: true });
const plainGet = () =>
  new Promise((resolve, reject) => {
    request(
      { host: "127.0.0.1", port, path: "/data/v1/accounts/a/balance", agent, headers: { Authorization: "Bearer t", Accept: "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => resolve(JSON.parse(text)));
      },
    )
      .on("error", reject)
      .end();
  });
const truelayer = createTrueLayerClient({
  authBaseUrl: `http://127.0.0.1:${port}`,
  dataBaseUrl: `http://127.0.0.1:${port}/data/v1`,
  clientId: "c",
  clientSecret: "s",
});
const tlCtx = { accessToken: "t", connectionId: "conn-bench", correlationId: "job-bench" };
const update = new UpdateItemCommand({
  TableName: "expenzez-local",
  Key: toAttributeMap({ ...keys.connection("u-bench", "conn-bench") }),
  UpdateExpression: "SET #v = :v",
  ExpressionAttributeNames: { "#v": "version" },
  ExpressionAttributeValues: { ":v": { N: "2" } },
});
console.log("\n| one request | µs per request | V8 heap bytes allocated per request |\n|---|---|---|");
await measure("GET + JSON.parse, Node's http alone (keep-alive)", 1, plainGet, ROUNDS * 10);
await measure("the TrueLayer client's getBalance (axios, limits, retries, zod)", 1, () => truelayer.getBalance(tlCtx, "a"), ROUNDS * 10);
await measure("an SDK UpdateItem (middleware, endpoint, SigV4, a canned answer; no network)", 1, () => client.send(update), ROUNDS * 10);
server.kill();
agent.destroy();
client.destroy();
