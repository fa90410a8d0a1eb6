// How a Query of one partition on the local emulator scales with table size: the project's moto
// (partition-only Query, shared/local-aws/src/moto_server.py) against stock moto 5.2.x, which
// sorts the whole table on every Query. Figures: ms per Query of a 20-item partition, and the
// ratio stock / ours, per table size. Run: pnpm --filter @expenzez/bench run bench:moto-query
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { type Emulator, startMoto } from "@expenzez/local-aws";
import { filledTable } from "./table";

const SIZES = [1000, 5000, 20000];
const QUERIES = 20;

async function measure(emulator: Emulator, size: number): Promise<number> {
  const TableName = `q-${size}`;
  const partitions = size / 20;
  const db = await filledTable(emulator, TableName, size, (i) => ({
    PK: { S: `P${i % partitions}` },
    SK: { S: `TRANSACTION#${i}` },
    description: { S: "TESCO STORES 2231" },
  }));
  const started = performance.now();
  for (let q = 0; q < QUERIES; q++) {
    await db.send(new QueryCommand({ TableName, KeyConditionExpression: "PK = :p", ExpressionAttributeValues: { ":p": { S: `P${q}` } } }));
  }
  db.destroy();
  return (performance.now() - started) / QUERIES;
}

const [ours, stock] = await Promise.all([startMoto(), startMoto({ fastQueries: false })]);
try {
  console.log("| items in table | ours: ms per Query (20 items) | stock moto | stock / ours |");
  console.log("|---|---|---|---|");
  for (const size of SIZES) {
    const [a, b] = await Promise.all([measure(ours, size), measure(stock, size)]);
    console.log(`| ${size} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(1)}× |`);
  }
} finally {
  await Promise.all([ours.stop(), stock.stop()]);
}
