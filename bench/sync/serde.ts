/**
 * CPU of one TransactWriteItems of 98 transaction puts on the client side, without a network:
 * our marshalling (toTransactWriteItem, ADR 0063), then the SDK's whole send (serialiser,
 * middleware, signing, a canned 200 response) through a request handler that answers at once,
 * and JSON.stringify of the same marshalled input for comparison. Per transaction, µs.
 *
 *   pnpm --filter @expenzez/bench exec tsx sync/serde.ts
 */

import { loadavg } from "node:os";
import { DynamoDBClient, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { toTransactWriteItem, transactionEntity, txPutNewParsed } from "@expenzez/db";

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const db = { doc: {} as never, tableName: "expenzez-local" };
const transactions = Array.from({ length: 98 }, (_, i) =>
  transactionEntity.parse({
    userId: "u-0123456789abcdef",
    transactionId: `txn_${i.toString(16).padStart(32, "0")}`,
    accountId: "acc-0123456789abcdef",
    connectionId: "conn-0123456789abcdef",
    normalisedProviderTransactionId: `ntx-${i}-0123456789abcdef0123456789`,
    providerTransactionId: `ptx-${i}-0123456789abcdef`,
    timestamp: "2026-11-20T10:15:00.000Z",
    description: "CARD PAYMENT TO TESCO STORES 2231 LEEDS",
    amount: -12.5,
    amountMinor: -1250,
    currency: "GBP",
    direction: "debit",
    status: "booked",
    transactionType: "debit",
    isHidden: false,
    category: { primary: "groceries", secondary: "groceries/supermarkets", confidence: 0.93, reason: "merchant", userModified: false },
    merchant: { name: "Tesco" },
    providerCategory: "PURCHASE",
    providerClassification: ["Shopping", "Groceries"],
    createdAt: "2026-11-25T10:00:00.000Z",
    updatedAt: "2026-11-25T10:00:00.000Z",
  }),
);
const answer = { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: undefined as unknown };
const client = new DynamoDBClient({
  region: "eu-west-2",
  endpoint: "http://127.0.0.1:1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  requestHandler: {
    handle: async () => {
      const { Readable } = await import("node:stream");
      return { response: { ...answer, body: Readable.from([Buffer.from("{}")]) } };
    },
  } as never,
});

function cpu(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function measure(name: string, fn: () => unknown | Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn(); // warm-up: optimised code
  const start = cpu();
  for (let i = 0; i < ROUNDS; i++) await fn();
  const perTx = (cpu() - start) / ROUNDS / transactions.length;
  console.log(`${name.padEnd(58)} ${perTx.toFixed(1).padStart(6)} µs per transaction`);
  return perTx;
}

const marshalled = () => transactions.map((t) => toTransactWriteItem(txPutNewParsed(db, transactionEntity, t)));
const input = { TransactItems: marshalled() };
console.log(`load average ${loadavg()[0]?.toFixed(1)}, ${ROUNDS} rounds of ${transactions.length} puts, Node ${process.version}`);
await measure("entity item + our marshalling (toTransactWriteItem)", marshalled);
await measure("SDK send of the marshalled input (no network)", () => client.send(new TransactWriteItemsCommand(input)));
await measure("JSON.stringify of the marshalled input", () => JSON.stringify(input));
console.log(`request body: ${(Buffer.byteLength(JSON.stringify(input)) / transactions.length).toFixed(0)} B per transaction`);
client.destroy();
