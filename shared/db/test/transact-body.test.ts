import { Readable } from "node:stream";
import { DynamoDBClient, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { HttpRequest } from "@smithy/types";
import { describe, expect, it } from "vitest";
import { aTransaction } from "../../fixtures/src/entities";
import {
  softDeleteAction,
  type TransactAction,
  toTransactWriteItem,
  transactionEntity,
  transactWrite,
  txCheckVersion,
  txDelete,
  txPutNewParsed,
  txUpdateVersioned,
} from "../src";

/** The requests the SDK hands its HTTP handler, answered as DynamoDB answers a committed transaction. */
function capturingClients(endpoint = "http://127.0.0.1:8000") {
  const sent: HttpRequest[] = [];
  const dynamo = new DynamoDBClient({
    region: "eu-west-2",
    endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    requestHandler: {
      handle: async (request: HttpRequest) => {
        sent.push(request);
        return { response: { statusCode: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: Readable.from([Buffer.from("{}")]) } };
      },
    } as never,
  });
  return { sent, dynamo, doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }) };
}

const bodyText = (r: HttpRequest) => (typeof r.body === "string" ? r.body : new TextDecoder().decode(r.body as Uint8Array));
/** Headers that differ between any two sends (a fresh invocation id, the clock, the signature over them). */
const PER_SEND = new Set(["amz-sdk-invocation-id", "x-amz-date", "authorization"]);
const stable = (r: HttpRequest) => Object.fromEntries(Object.entries(r.headers).filter(([k]) => !PER_SEND.has(k)));

const db = { doc: {} as never, tableName: "expenzez-local" };
const now = new Date("2024-03-12T00:00:00Z");
/** Every kind of action the code writes, with text that JSON escapes (quotes, backslashes, control characters, U+2028, astral). */
function actions(): TransactAction[] {
  const plain = transactionEntity.parse(aTransaction());
  const odd = transactionEntity.parse(
    aTransaction({
      pence: -4_200_012,
      status: "pending",
      description: 'CAFÉ "NERO" \\ tab\there \u0001 \u2028 😀 £',
      providerClassification: ["Shopping", "Food"],
    }),
  );
  return [
    txPutNewParsed(db, transactionEntity, plain),
    txPutNewParsed(db, transactionEntity, odd),
    txUpdateVersioned(db, { PK: "USER#u", SK: "ACCOUNT#a" }, { set: { closed: false, balance: { currentMinor: -5, current: -0.05 } }, add: { n: 3 } }, 4),
    txDelete(db, { PK: "USER#u", SK: "TRANSACTION#x" }, 2),
    txCheckVersion(db, { PK: "USER#u", SK: "CONNECTION#c" }, 7),
    softDeleteAction(db, plain, "vanished", now),
  ];
}

describe("transactWrite's own TransactWriteItems body (ADR 0066)", () => {
  it("sends the request the SDK's serializer would send: same target, endpoint, signed headers and the same body bytes", async () => {
    for (const endpoint of ["http://127.0.0.1:8000", "http://localhost:4566/some/path"]) {
      const { sent, dynamo, doc } = capturingClients(endpoint);
      const list = actions();
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: list.map(toTransactWriteItem), ClientRequestToken: "sync-1" }));
      await transactWrite(doc, list, { clientRequestToken: "sync-1" });
      const [sdk, ours] = sent as [HttpRequest, HttpRequest];
      expect(bodyText(ours)).toBe(bodyText(sdk));
      expect(JSON.parse(bodyText(ours)).TransactItems).toHaveLength(list.length);
      expect({ ...ours, headers: stable(ours), body: undefined }).toEqual({ ...sdk, headers: stable(sdk), body: undefined });
      expect(ours.headers["x-amz-target"]).toBe("DynamoDB_20120810.TransactWriteItems");
      expect(ours.headers.authorization).toMatch(/SignedHeaders=.*content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target/);
      dynamo.destroy();
    }
  });

  it("generates a ClientRequestToken when none is given, as the SDK does, a fresh one per call", async () => {
    const { sent, dynamo, doc } = capturingClients();
    const list = actions();
    await transactWrite(doc, list);
    await transactWrite(doc, list);
    await dynamo.send(new TransactWriteItemsCommand({ TransactItems: list.map(toTransactWriteItem) }));
    const tokens = sent.map((r) => JSON.parse(bodyText(r)).ClientRequestToken as string);
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(tokens).size).toBe(3);
    // With the token fixed, the body is the SDK's byte for byte.
    const [ours, , sdk] = sent as [HttpRequest, HttpRequest, HttpRequest];
    const withToken = (r: HttpRequest, t: string) => bodyText(r).replace(/"ClientRequestToken":"[^"]+"/, `"ClientRequestToken":"${t}"`);
    expect(withToken(ours, "t")).toBe(withToken(sdk, "t"));
    dynamo.destroy();
  });

  it("leaves every other command to the SDK's serializer", async () => {
    const { sent, dynamo, doc } = capturingClients();
    await transactWrite(doc, actions());
    // Binary, which only the SDK's serializer writes (base64): a command sent after transactWrite's keeps it.
    const binary = { Put: { TableName: "t", Item: { PK: { S: "USER#u" }, SK: { S: "BLOB#b" }, data: { B: new Uint8Array([1, 2, 3]) } } } };
    await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [binary] }));
    expect(JSON.parse(bodyText(sent[1] as HttpRequest)).TransactItems[0].Put.Item.data).toEqual({ B: "AQID" });
    dynamo.destroy();
  });
});
