// Copies the last run's counts (.local/hostile/report.json, written by the case reporter) to
// bench/results/hostile.{json,md}: `pnpm --filter @expenzez/hostile-tests run results` after a run.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CaseReport, REPORT_PATH } from "./case-reporter";

const report = JSON.parse(readFileSync(REPORT_PATH, "utf8")) as CaseReport;
const results = join(import.meta.dirname, "..", "..", "..", "bench", "results");
writeFileSync(join(results, "hostile.json"), `${JSON.stringify(report, null, 2)}\n`);
const md = [
  "# Hostile-input cases by boundary (tests/hostile, fast-check)",
  "",
  `Run of ${report.at}${report.complete ? ", every boundary covered" : ", not every boundary covered"}, ${report.durationSeconds} s wall time on ${report.load.cores} cores at load average ${report.load.average1m}. Re-run: \`pnpm --filter @expenzez/hostile-tests test\`, then \`pnpm --filter @expenzez/hostile-tests run results\`.`,
  "",
  "| boundary | generated cases |",
  "|---|---:|",
  ...Object.entries(report.byBoundary).map(([b, n]) => `| ${b} | ${n} |`),
  `| **total** | **${report.total}** |`,
  "",
].join("\n");
writeFileSync(join(results, "hostile.md"), md);
process.stdout.write(md);
