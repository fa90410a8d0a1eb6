import { readFileSync } from "node:fs";
import { categoriseBatch } from "./src/index";
const rows = readFileSync("data/eval.jsonl", "utf8").trim().split("\n").map((l) => { const { label: _l, transaction_classification: _c, ...tx } = JSON.parse(l); return tx; });
const big = Array.from({ length: 100000 }, (_, i) => ({ ...rows[i % rows.length], transactionId: `t${i}` }));
for (let i = 0; i < 10; i++) categoriseBatch(big, { ownAccounts: ["acc-current", "acc-savings", "acc-monzo"] });
