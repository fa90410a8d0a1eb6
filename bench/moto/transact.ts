// How TransactWriteItems on the local emulator scales with table size: the project's moto
// (undo-log rollback, shared/local-aws/src/moto_server.py) against stock moto 5.2.x, which
// deep-copies the whole table once per action. Figures: ms per 100-action transaction and the
// ratio stock / ours, per table size. Run: pnpm --filter @expenzez/bench run bench:moto
import { TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { type Emulator, startMoto } from "@expenzez/local-aws";
import { filledTable } from "./table";

const SIZES = [0, 1000, 3000];
const TRANSACTIONS_PER_SIZE = 2;
const ACTIONS = 100;

async function measure(emulator: Emulator, size: number): Promise<number> {
  const TableName = `bench-${size}`;
  const db = await filledTable(emulator, TableName, size, (i) => ({
    PK: { S: `p${i % 50}` },
    SK: { S: `s${i}` },
    description: { S: "TESCO STORES 2231" },
    amountMinor: { N: "-1250" },
  }));
  const started = performance.now();
  for (let t = 0; t < TRANSACTIONS_PER_SIZE; t++) {
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: Array.from({ length: ACTIONS }, (_, a) => ({
          Put: {
            TableName,
            Item: { PK: { S: "bench" }, SK: { S: `t${t}-${a}` }, amountMinor: { N: "-100" } },
            ConditionExpression: "attribute_not_exists(PK)",
          },
        })),
      }),
    );
  }
  db.destroy();
  return (performance.now() - started) / TRANSACTIONS_PER_SIZE;
}

const [ours, stock] = await Promise.all([startMoto(), startMoto({ fastTransactions: false })]);
try {
  console.log(`| items in table | ours: ms per ${ACTIONS}-action transaction | stock moto | stock / ours |`);
  console.log("|---|---|---|---|");
  for (const size of SIZES) {
    const a = await measure(ours, size);
    const b = await measure(stock, size);
    console.log(`| ${size} | ${a.toFixed(0)} (${(a / ACTIONS).toFixed(2)} ms per action) | ${b.toFixed(0)} | ${(b / a).toFixed(1)}× |`);
  }
} finally {
  await Promise.all([ours.stop(), stock.stop()]);
}
