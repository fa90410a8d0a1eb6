import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startMoto } from "../src/index";

// The partition-only Query in moto_server.py must answer exactly as stock moto does: the same
// queries run on both servers (range conditions, both orders, paging, filters, an index).
let fast: Emulator;
let stock: Emulator;

beforeAll(async () => {
  [fast, stock] = await Promise.all([startMoto(), startMoto({ fastQueries: false })]);
});
afterAll(async () => {
  await Promise.all([fast?.stop(), stock?.stop()]);
});

const s = (v: string) => ({ S: v });

async function answers(endpoint: string) {
  const db = new DynamoDBClient({ endpoint, region: "eu-west-2", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  const TableName = "q";
  await db.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: ["PK", "SK", "GPK", "GSK"].map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "SK", KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: "G",
          KeySchema: [
            { AttributeName: "GPK", KeyType: "HASH" },
            { AttributeName: "GSK", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    }),
  );
  for (const user of ["u1", "u2", "u3"]) {
    const items = Array.from({ length: 20 }, (_, i) => ({
      PutRequest: {
        Item: { PK: s(user), SK: s(`${i % 2 ? "ACCOUNT" : "TX"}#${String(i).padStart(2, "0")}`), GPK: s(user), GSK: s(`t${19 - i}`), n: { N: String(i) } },
      },
    }));
    await db.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: items } }));
  }
  const ask = async (q: Omit<QueryCommandInput, "TableName">) => {
    const pages: unknown[] = [];
    let ExclusiveStartKey: QueryCommandInput["ExclusiveStartKey"];
    do {
      const out = await db.send(new QueryCommand({ TableName, ...q, ExclusiveStartKey }));
      pages.push({ items: out.Items?.map((i) => i.SK?.S), count: out.Count, scanned: out.ScannedCount });
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return pages;
  };
  const result = {
    prefix: await ask({ KeyConditionExpression: "PK = :p AND begins_with(SK, :s)", ExpressionAttributeValues: { ":p": s("u2"), ":s": s("ACCOUNT#") } }),
    between: await ask({
      KeyConditionExpression: "PK = :p AND SK BETWEEN :a AND :b",
      ExpressionAttributeValues: { ":p": s("u1"), ":a": s("TX#04"), ":b": s("TX#12") },
      ScanIndexForward: false,
    }),
    paged: await ask({ KeyConditionExpression: "PK = :p", ExpressionAttributeValues: { ":p": s("u3") }, Limit: 7 }),
    filtered: await ask({
      KeyConditionExpression: "PK = :p",
      FilterExpression: "n > :n",
      ExpressionAttributeValues: { ":p": s("u1"), ":n": { N: "10" } },
    }),
    missing: await ask({ KeyConditionExpression: "PK = :p", ExpressionAttributeValues: { ":p": s("nobody") } }),
    index: await ask({ IndexName: "G", KeyConditionExpression: "GPK = :p", ExpressionAttributeValues: { ":p": s("u2") }, Limit: 6 }),
  };
  db.destroy();
  return result;
}

describe("Query on the project's moto", () => {
  it("answers every kind of query exactly as stock moto does, reading only the asked partition", async () => {
    const [mine, theirs] = await Promise.all([answers(fast.endpoint), answers(stock.endpoint)]);
    expect(mine).toEqual(theirs);
    expect((mine.prefix[0] as { items: string[] }).items).toHaveLength(10);
    expect(mine.paged.length).toBeGreaterThan(1);
  });
});
