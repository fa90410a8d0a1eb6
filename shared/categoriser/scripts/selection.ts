/**
 * Scores the sets variants may be chosen on (data/calibration.jsonl, data/dev.jsonl,
 * data/dev2.jsonl), with and without transaction_classification: primaries right, per step, and
 * with `--errors` each miss. Never the evaluation sets: those are the benchmark's, read in aggregate.
 *
 *   pnpm --filter @expenzez/categoriser exec tsx scripts/selection.ts [--errors]
 */
import { readFileSync } from "node:fs";
import { categoriseBatch } from "../src/index";
import type { CategorisableTransaction } from "../src/types";

type Row = CategorisableTransaction & { label: { primary: string; secondary: string } };
const SELECTION_SETS = ["calibration.jsonl", "dev.jsonl", "dev2.jsonl"];
const load = (file: string) =>
  readFileSync(new URL(`../data/${file}`, import.meta.url), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Row);

const totals = { without: 0, with: 0, n: 0 };
for (const file of SELECTION_SETS) {
  const rows = load(file);
  for (const withClassification of [false, true]) {
    const input = rows.map(({ label: _l, ...tx }) => {
      if (withClassification) return tx;
      const { transaction_classification: _c, ...rest } = tx;
      return rest;
    });
    const results = categoriseBatch(input);
    const steps = new Map<string, { n: number; hits: number; claimed: number }>();
    let hits = 0;
    results.forEach((r, i) => {
      const row = rows[i]!;
      const hit = r.category.primary === row.label.primary;
      if (hit) hits++;
      const s = steps.get(r.category.reason) ?? { n: 0, hits: 0, claimed: 0 };
      s.n++;
      s.claimed += r.category.confidence;
      if (hit) s.hits++;
      steps.set(r.category.reason, s);
      if (!hit && process.argv.includes("--errors") && withClassification === process.argv.includes("--with"))
        console.log(
          `  miss ${file}: ${row.description} → ${r.category.secondary} (${r.category.reason} ${r.category.confidence.toFixed(2)}), label ${row.label.secondary}`,
        );
    });
    const stepText = [...steps].map(([k, s]) => `${k} ${s.hits}/${s.n}@${(s.claimed / s.n).toFixed(2)}`).join(", ");
    console.log(`${file} ${withClassification ? "with" : "without"}: ${hits}/${rows.length}  [${stepText}]`);
    totals[withClassification ? "with" : "without"] += hits;
  }
  totals.n += rows.length;
}
console.log(`selection sets: ${totals.without}/${totals.n} without classification, ${totals.with}/${totals.n} with`);
