/**
 * Categoriser benchmark: accuracy on the held-out evaluation set (with and without TrueLayer's
 * transaction_classification), per-category precision/recall, the reliability table of
 * `confidence`, model load time, and warm batch throughput on one core.
 *
 *   pnpm --filter @expenzez/bench run bench           (add -- --errors to list the misses)
 */

import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type CategorisableTransaction, categoriseBatch, loadModelFiles } from "@expenzez/categoriser";
import { type Labelled, pct, score } from "./metrics";

/** Everything printed is also written to bench/results/categoriser.md. */
const printed: string[] = [];
const log = (line: string) => {
  printed.push(line);
  console.log(line);
};

const pkgDir = dirname(createRequire(import.meta.url).resolve("@expenzez/categoriser/model.json"));
const OWN_ACCOUNTS = ["acc-current", "acc-savings", "acc-monzo"];
const rowsOf = (file: string) =>
  readFileSync(join(pkgDir, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CategorisableTransaction & { label: Labelled });
const evalRows = rowsOf("eval.jsonl");
/** Merchants the categoriser was not built from (data/generalisation-source.txt): the headline. */
const genRows = rowsOf("generalisation.jsonl");
/** Written by a helper who had read none of the categoriser (data/independent-source.txt): the most independent figure. */
const indRows = rowsOf("independent.jsonl");
/** Session 6's second such sample (data/independent2-source.txt), by another helper: measured, never tuned against. */
const ind2Rows = rowsOf("independent2.jsonl");
/** Merchants nobody tuned against (data/holdout-source.txt, written before the session-4 changes). */
const holdRows = rowsOf("holdout.jsonl");
/** The session-5 dev set (data/dev-source.txt): variants were chosen on it, so it flatters them; reported to show that, not as a headline. */
const devRows = rowsOf("dev.jsonl");
/** The session-6 dev set (data/dev2-source.txt): written for choosing variants, so it flatters them too. */
const dev2Rows = rowsOf("dev2.jsonl");

// 1. Model load: read + parse + build, as a cold process does it.
const loads: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  loadModelFiles(pathToFileURL(`${pkgDir}/`));
  loads.push(performance.now() - t0);
}
const model = loadModelFiles(pathToFileURL(`${pkgDir}/`));

/** Throughput: a batch of this many transactions, RUNS warm runs in each of PROCESSES processes. */
const BATCH = 100_000;
const PROCESSES = 5;
const RUNS = 7;
if (process.argv.includes("--throughput-child")) {
  console.log(JSON.stringify(throughputRuns()));
  process.exit(0);
}

/** One process's warm runs over the 100,000-transaction batch: wall and CPU milliseconds per run. */
function throughputRuns(): { wall: number[]; cpu: number[] } {
  const withoutClassification = evalRows.map(({ label: _label, transaction_classification: _c, ...tx }) => tx);
  // Each copy of the set is moved a week later, as a long history would be, so transfers pair within their copy.
  const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
  const big: CategorisableTransaction[] = Array.from({ length: BATCH }, (_, i) => {
    const tx = withoutClassification[i % withoutClassification.length]!;
    const copy = Math.floor(i / withoutClassification.length);
    return { ...tx, transactionId: `t${i}`, timestamp: new Date(Date.parse(String(tx.timestamp)) + copy * WEEK_MS).toISOString() };
  });
  const context = { ownAccounts: OWN_ACCOUNTS, model };
  for (let i = 0; i < 3; i++) categoriseBatch(big, context); // warm-up: JIT and caches
  const wall: number[] = [];
  const cpu: number[] = [];
  // Collect the previous run's garbage first (with --expose-gc) so each run pays only for its own.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  for (let i = 0; i < RUNS; i++) {
    collect();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    categoriseBatch(big, context);
    wall.push(performance.now() - t0);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

// 2. Accuracy and calibration.
const labels = evalRows.map((r) => r.label);
const descriptions = evalRows.map((r) => String(r.description));
const inputs = evalRows.map(({ label: _label, ...tx }) => tx);
const withoutClassification = inputs.map(({ transaction_classification: _c, ...tx }) => tx);
const withClass = score(categoriseBatch(inputs, { ownAccounts: OWN_ACCOUNTS, model }), labels, descriptions);
const without = score(categoriseBatch(withoutClassification, { ownAccounts: OWN_ACCOUNTS, model }), labels, descriptions);
const classified = inputs.filter((t) => t.transaction_classification).length;

/** A hand-written set scored with and without the bank's transaction_classification. */
function scoreSet(rows: typeof genRows) {
  const setLabels = rows.map((r) => r.label);
  const setDescriptions = rows.map((r) => String(r.description));
  const setInputs = rows.map(({ label: _label, ...tx }) => tx);
  return {
    rows: rows.length,
    classified: setInputs.filter((t) => t.transaction_classification).length,
    with: score(categoriseBatch(setInputs, { model }), setLabels, setDescriptions),
    without: score(
      categoriseBatch(
        setInputs.map(({ transaction_classification: _c, ...tx }) => tx),
        { model },
      ),
      setLabels,
      setDescriptions,
    ),
  };
}
type SetScore = ReturnType<typeof scoreSet>;
const gen = scoreSet(genRows);
const ind = scoreSet(indRows);
const ind2 = scoreSet(ind2Rows);
const hold = scoreSet(holdRows);
const dev = scoreSet(devRows);
const dev2 = scoreSet(dev2Rows);

/** A set's accuracy table, then (unless `brief`) its per-step and reliability tables, and its misses with `--errors`. */
function reportSet(heading: string, tablePrefix: string, set: SetScore, brief = false) {
  log(heading);
  log("| run | primary correct | primary accuracy | secondary accuracy | ECE |");
  log("|---|---|---|---|---|");
  for (const [name, r] of [
    ["without transaction_classification", set.without],
    ["with transaction_classification", set.with],
  ] as const) {
    log(`| ${name} | ${r.primaryCorrect}/${r.total} | ${pct(r.primaryCorrect, r.total)} | ${pct(r.secondaryCorrect, r.total)} | ${r.ece.toFixed(3)} |`);
  }
  if (brief) {
    log("\n| step (reason, without classification) | n | correct | precision | mean confidence |");
    log("|---|---|---|---|---|");
    for (const s of set.without.perReason) log(`| ${s.reason} | ${s.n} | ${s.correct} | ${pct(s.correct, s.n)} | ${s.meanConfidence.toFixed(3)} |`);
    return;
  }
  for (const [name, r] of [
    ["without classification", set.without],
    ["with classification", set.with],
  ] as const) {
    log(`\n#### ${tablePrefix}: reliability per step (${name})\n`);
    log("| step (reason) | n | correct | precision | mean confidence |");
    log("|---|---|---|---|---|");
    for (const s of r.perReason) log(`| ${s.reason} | ${s.n} | ${s.correct} | ${pct(s.correct, s.n)} | ${s.meanConfidence.toFixed(3)} |`);
    log("\n| confidence | n | mean confidence | correct | accuracy |");
    log("|---|---|---|---|---|");
    for (const b of r.reliability) {
      log(`| ${b.from.toFixed(2)}–${b.to.toFixed(2)} | ${b.n} | ${b.n ? b.meanConfidence.toFixed(3) : "-"} | ${b.correct} | ${pct(b.correct, b.n)} |`);
    }
  }
  if (process.argv.includes("--errors")) {
    log(`\n#### Misses: ${tablePrefix} (without classification)\n`);
    for (const e of set.without.errors) log(`- ${e.description} → ${e.got} (${e.reason}, ${e.confidence}); expected ${e.expected}`);
  }
}

log(`\n## Categoriser benchmark\n`);
reportSet(
  `### Headline: ${gen.rows} transactions from merchants the categoriser was not built from (${gen.classified} carry transaction_classification)\n`,
  "Unseen merchants",
  gen,
);
reportSet(
  `\n### Independent: ${ind.rows} transactions written by someone who had read none of the categoriser (${ind.classified} carry transaction_classification; session 5, measured after its changes, never tuned against)\n`,
  "Independent",
  ind,
);
reportSet(
  `\n### Second independent set: ${ind2.rows} transactions written in session 6 by another helper who had read none of the categoriser (${ind2.classified} carry transaction_classification; never tuned against)\n`,
  "Second independent",
  ind2,
);
reportSet(
  `\n### Hold-out: ${hold.rows} transactions from merchants nobody tuned against (${hold.classified} carry transaction_classification; written in session 4 before its changes, read only in aggregate in session 5)\n`,
  "Hold-out",
  hold,
);
reportSet(
  `\n### Dev set: ${dev.rows} transactions of online services, insurers and investment apps (session 5; variants were chosen on it and on the calibration set, so it flatters them)\n`,
  "Dev set",
  dev,
  true,
);
reportSet(
  `\n### Second dev set: ${dev2.rows} transactions of online services, direct debits to insurers and charities, regional chains and local firms (session 6; variants were chosen on it, so it flatters them)\n`,
  "Second dev set",
  dev2,
  true,
);

log(`\n### Own evaluation set — ${evalRows.length} held-out transactions (${classified} carry transaction_classification)\n`);
log("| run | primary correct | primary accuracy | secondary accuracy | ECE |");
log("|---|---|---|---|---|");
for (const [name, r] of [
  ["without transaction_classification", without],
  ["with transaction_classification", withClass],
] as const) {
  log(`| ${name} | ${r.primaryCorrect}/${r.total} | ${pct(r.primaryCorrect, r.total)} | ${pct(r.secondaryCorrect, r.total)} | ${r.ece.toFixed(3)} |`);
}

log("\n### Per primary category (without classification)\n");
log("| category | support | predicted | correct | precision | recall |");
log("|---|---|---|---|---|---|");
for (const c of without.perCategory) {
  log(`| ${c.category} | ${c.support} | ${c.predicted} | ${c.correct} | ${pct(c.correct, c.predicted)} | ${pct(c.correct, c.support)} |`);
}

for (const [name, r] of [
  ["without classification", without],
  ["with classification", withClass],
] as const) {
  log(`\n### Reliability of confidence (${name})\n`);
  log("| confidence | n | mean confidence | correct | accuracy |");
  log("|---|---|---|---|---|");
  for (const b of r.reliability) {
    log(`| ${b.from.toFixed(2)}–${b.to.toFixed(2)} | ${b.n} | ${b.n ? b.meanConfidence.toFixed(3) : "-"} | ${b.correct} | ${pct(b.correct, b.n)} |`);
  }
  log("\n| step (reason) | n | correct | precision |");
  log("|---|---|---|---|");
  for (const s of r.perReason) log(`| ${s.reason} | ${s.n} | ${s.correct} | ${pct(s.correct, s.n)} |`);
}

if (process.argv.includes("--errors")) {
  log("\n### Misses (without classification)\n");
  for (const e of without.errors) log(`- ${e.description} → ${e.got} (${e.reason}, ${e.confidence}); expected ${e.expected}`);
}

// 3. Throughput: the evaluation set repeated to 100,000 transactions (no caching anywhere), warm, one thread.
// Measured in PROCESSES separate processes of RUNS runs each: one process's JIT can settle on a
// slower shape for the whole run, so one process alone is not a reliable figure.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const measureProcess = (): { wall: number[]; cpu: number[] } => {
  const out = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--throughput-child"], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`throughput process failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1)!) as { wall: number[]; cpu: number[] };
};
// The machine is shared: the load average before and after the throughput runs says what the wall clock competed with.
const loadBefore = loadavg();
const processes = Array.from({ length: PROCESSES }, measureProcess);
const loadAfter = loadavg();
const runs = processes.flatMap((p) => p.wall);
const cpuRuns = processes.flatMap((p) => p.cpu);
const ms = median(runs);
const rate = (millis: number) =>
  `${Math.round((BATCH / millis) * 1000).toLocaleString("en-GB")} tx/s (${((millis * 1000) / BATCH).toFixed(2)} µs per transaction)`;
log("\n### Speed\n");
log(`| measure | value |`);
log("|---|---|");
log(`| model load (both files: read + parse + build), first / median of ${loads.length} | ${loads[0]!.toFixed(1)} ms / ${median(loads).toFixed(1)} ms |`);
log(
  `| categoriseBatch, ${BATCH.toLocaleString("en-GB")} transactions, ${PROCESSES} processes × ${RUNS} warm runs: median / best (wall) | ${ms.toFixed(1)} ms / ${Math.min(...runs).toFixed(1)} ms |`,
);
// CPU time is what the work costs; wall time also counts waiting for a busy machine's cores.
log(`| throughput, one thread, process CPU time (median of all runs, includes GC threads) | ${rate(median(cpuRuns))} |`);
log(`| throughput, one thread, wall clock (median of all runs) | ${rate(ms)} |`);
log(`| throughput, one thread, wall clock (best run) | ${rate(Math.min(...runs))} |`);
log(
  `| per process: median CPU / wall throughput | ${processes
    .map(
      (p) => `${Math.round((BATCH / median(p.cpu)) * 1000).toLocaleString("en-GB")} / ${Math.round((BATCH / median(p.wall)) * 1000).toLocaleString("en-GB")}`,
    )
    .join("; ")} tx/s |`,
);
const loads3 = (l: number[]) => l.map((x) => x.toFixed(2)).join(" / ");
log(`| machine | ${cpus().length} cores, load average ${loads3(loadBefore)} before the runs, ${loads3(loadAfter)} after (1/5/15 min) |`);

// Results for the record: the Markdown as printed, and the headline figures as JSON.
const resultsDir = join(import.meta.dirname, "..", "results");
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "categoriser.md"), `${printed.join("\n")}\n`);
const figures = (r: typeof without) => ({
  total: r.total,
  primaryCorrect: r.primaryCorrect,
  primaryAccuracy: r.primaryCorrect / r.total,
  secondaryAccuracy: r.secondaryCorrect / r.total,
  ece: r.ece,
  perStep: r.perReason,
});
writeFileSync(
  join(resultsDir, "categoriser.json"),
  `${JSON.stringify(
    {
      generalisation: { withoutClassification: figures(gen.without), withClassification: figures(gen.with) },
      independent: { withoutClassification: figures(ind.without), withClassification: figures(ind.with) },
      independent2: { withoutClassification: figures(ind2.without), withClassification: figures(ind2.with) },
      holdout: { withoutClassification: figures(hold.without), withClassification: figures(hold.with) },
      dev: { withoutClassification: figures(dev.without), withClassification: figures(dev.with) },
      dev2: { withoutClassification: figures(dev2.without), withClassification: figures(dev2.with) },
      ownSet: { withoutClassification: figures(without), withClassification: figures(withClass) },
      throughput: {
        batch: BATCH,
        processes: PROCESSES,
        runs: runs.length,
        wallMsMedian: ms,
        wallMsBest: Math.min(...runs),
        cpuMsMedian: median(cpuRuns),
        txPerSecondWallMedian: Math.round((BATCH / ms) * 1000),
        txPerSecondCpuMedian: Math.round((BATCH / median(cpuRuns)) * 1000),
        perProcess: processes.map((p) => ({ cpuMsMedian: median(p.cpu), wallMsMedian: median(p.wall) })),
      },
      machine: { cores: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    },
    null,
    2,
  )}\n`,
);
