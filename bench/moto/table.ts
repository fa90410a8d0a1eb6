// The bare table both moto benches measure on: a PK/SK table of `size` filler items, so the
// figures show how an operation scales with what the table already holds.
import { type AttributeValue, BatchWriteItemCommand, CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Emulator } from "@expenzez/local-aws";

export async function filledTable(
  emulator: Emulator,
  TableName: string,
  size: number,
  item: (i: number) => Record<string, AttributeValue>,
): Promise<DynamoDBClient> {
  const db = new DynamoDBClient({ endpoint: emulator.endpoint, region: "eu-west-2", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
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
  for (let i = 0; i < size; i += 25) {
    const batch = Array.from({ length: Math.min(25, size - i) }, (_, j) => ({ PutRequest: { Item: item(i + j) } }));
    await db.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: batch } }));
  }
  return db;
}
