import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startMoto } from "../src/index";

// The undo-log rollback in moto_server.py must behave exactly like stock moto: the same
// scenario runs on both servers and must leave the same items.
let fast: Emulator;
let stock: Emulator;

beforeAll(async () => {
  [fast, stock] = await Promise.all([startMoto(), startMoto({ fastTransactions: false })]);
});
afterAll(async () => {
  await Promise.all([fast?.stop(), stock?.stop()]);
});

const s = (v: string) => ({ S: v });
const n = (v: number) => ({ N: String(v) });

async function scenario(endpoint: string) {
  const db = new DynamoDBClient({ endpoint, region: "eu-west-2", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  const TableName = "t";
  await db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "PK", AttributeType: "S" },
        { AttributeName: "SK", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "SK", KeyType: "RANGE" },
      ],
    }),
  );
  const put = (sk: string, v: number): TransactWriteItem => ({ Put: { TableName, Item: { PK: s("u"), SK: s(sk), v: n(v) } } });
  await db.send(new TransactWriteItemsCommand({ TransactItems: [put("a", 1), put("b", 1)] }));

  // Every kind of write, then a failing condition: nothing may stick.
  const writes: TransactWriteItem[] = [
    { Update: { TableName, Key: { PK: s("u"), SK: s("a") }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": n(2) } } },
    { Delete: { TableName, Key: { PK: s("u"), SK: s("b") } } },
    put("c", 1),
    { Update: { TableName, Key: { PK: s("u"), SK: s("d") }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": n(9) } } },
  ];
  const failing: TransactWriteItem = { ConditionCheck: { TableName, Key: { PK: s("u"), SK: s("zz") }, ConditionExpression: "attribute_exists(PK)" } };
  const cancelled = await db.send(new TransactWriteItemsCommand({ TransactItems: [...writes, failing] })).catch((e: unknown) => e);
  const afterCancel = await items(db, TableName);
  await db.send(new TransactWriteItemsCommand({ TransactItems: writes }));
  const afterCommit = await items(db, TableName);
  db.destroy();
  return { cancelled, afterCancel, afterCommit };
}

async function items(db: DynamoDBClient, TableName: string): Promise<Record<string, string>> {
  const { Items = [] } = await db.send(new ScanCommand({ TableName, ConsistentRead: true }));
  return Object.fromEntries(Items.map((i) => [i.SK!.S!, i.v!.N!]).sort());
}

describe("TransactWriteItems on the project's moto", () => {
  it("rolls back every kind of write exactly as stock moto does, and commits the same", async () => {
    const [mine, theirs] = await Promise.all([scenario(fast.endpoint), scenario(stock.endpoint)]);
    expect(mine.cancelled).toBeInstanceOf(TransactionCanceledException);
    expect((mine.cancelled as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual([
      "None",
      "None",
      "None",
      "None",
      "ConditionalCheckFailed",
    ]);
    expect(mine.afterCancel).toEqual({ a: "1", b: "1" });
    expect(mine.afterCommit).toEqual({ a: "2", c: "1", d: "9" });
    expect(mine.afterCancel).toEqual(theirs.afterCancel);
    expect(mine.afterCommit).toEqual(theirs.afterCommit);
  });
});

describe("conditional writes on the project's moto", () => {
  it("are atomic: of many concurrent conditional claims of one item, exactly one wins", async () => {
    const { DynamoDBClient: Client, UpdateItemCommand } = await import("@aws-sdk/client-dynamodb");
    const db = new Client({ endpoint: fast.endpoint, region: "eu-west-2", credentials: { accessKeyId: "t", secretAccessKey: "t" }, maxAttempts: 1 });
    await db.send(
      new CreateTableCommand({
        TableName: "leases",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "PK", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }],
      }),
    );
    let winners = 0;
    for (let round = 0; round < 30; round++) {
      const claims = Array.from({ length: 8 }, (_, i) =>
        db
          .send(
            new UpdateItemCommand({
              TableName: "leases",
              Key: { PK: s(`conn-${round}`) },
              UpdateExpression: "SET leaseOwner = :me",
              ConditionExpression: "attribute_not_exists(leaseOwner)",
              ExpressionAttributeValues: { ":me": s(`worker-${i}`) },
            }),
          )
          .then(
            () => 1,
            () => 0,
          ),
      );
      winners += (await Promise.all(claims)).reduce((a: number, b: number) => a + b, 0);
    }
    db.destroy();
    expect(winners).toBe(30);
  });
});
