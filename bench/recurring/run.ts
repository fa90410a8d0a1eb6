/**
 * Recurring detector benchmark: stream precision and recall (matched by member overlap),
 * frequency accuracy, next-date accuracy within the cadence's tolerance, price changes and
 * cancelled streams, on seeded synthetic UK histories; the Plaid sandbox users' loans and
 * payroll; and throughput for a user's 13 months on one core.
 *
 *   pnpm --filter @expenzez/bench run bench:recurring            (-- --users 100 --errors)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { detectStreams } from "@expenzez/recurring";
import { generateUser } from "./generate";
import { emptyScores, ratio, scoreUser } from "./metrics";
import { plaidResults } from "./plaid";

const args = process.argv.slice(2);
const users = Number(args[args.indexOf("--users") + 1] ?? 0) || 60;
const showErrors = args.includes("--errors");

const scores = emptyScores();
/** Timed runs per user; the median wall time and the mean CPU time are kept (the machine is shared). */
const RUNS = 7;
const times: number[] = [];
const cpuTimes: number[] = [];
let transactions = 0;
for (let seed = 1; seed <= users; seed++) {
  const user = generateUser(seed);
  transactions += user.transactions.length;
  detectStreams(user.transactions, { asOf: user.asOf }); // warm (JIT, holiday tables)
  const runs: number[] = [];
  let streams = detectStreams(user.transactions, { asOf: user.asOf });
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    streams = detectStreams(user.transactions, { asOf: user.asOf });
    runs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  cpuTimes.push((cpu.user + cpu.system) / 1000 / RUNS);
  times.push(runs.sort((a, b) => a - b)[RUNS >> 1]!);
  scoreUser(streams, user.truth, scores, user.userId);
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const quantile = (xs: number[], p: number) => Math.round(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! * 100) / 100;
const q = (p: number) => quantile(times, p);
const plaid = plaidResults();

const result = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg1: Math.round(loadavg()[0]! * 100) / 100, node: process.version },
  synthetic: {
    users,
    transactions,
    transactionsPerUser: Math.round(transactions / users),
    truthStreams: scores.truth,
    detectedStreams: scores.detected,
    matched: scores.matched,
    precision: ratio(scores.matched, scores.detected),
    recall: ratio(scores.matched, scores.truth),
    frequencyAccuracy: ratio(scores.frequencyCorrect, scores.matched),
    nextWithinTolerance: ratio(scores.nextWithinTolerance, scores.nextDated),
    nextDated: scores.nextDated,
    cancelled: { tombstoned: scores.cancelledTombstoned, reportedActive: scores.cancelledActive },
    activeReportedTombstoned: scores.activeTombstoned,
    priceChanges: { labelled: scores.priceChanges, found: scores.priceChangesFound },
  },
  throughput: {
    msPerUserMedian: q(0.5),
    msPerUserP95: q(0.95),
    msPerUserMax: q(1),
    cpuMsPerUserMedian: quantile(cpuTimes, 0.5),
    cpuMsPerUserP95: quantile(cpuTimes, 0.95),
  },
  plaid,
};

const md = [
  `## Recurring detector benchmark — ${users} synthetic UK users, ${transactions} transactions (${result.synthetic.transactionsPerUser} per user, 13 months)`,
  "",
  "| measure | count | ratio |",
  "|---|---|---|",
  `| precision (detected streams matching a labelled one, Jaccard ≥ 0.5 of members) | ${scores.matched}/${scores.detected} | ${result.synthetic.precision} |`,
  `| recall (labelled streams found) | ${scores.matched}/${scores.truth} | ${result.synthetic.recall} |`,
  `| frequency correct (of matched) | ${scores.frequencyCorrect}/${scores.matched} | ${result.synthetic.frequencyAccuracy} |`,
  `| next payment within the cadence's tolerance | ${scores.nextWithinTolerance}/${scores.nextDated} | ${result.synthetic.nextWithinTolerance} |`,
  `| cancelled subscriptions reported tombstoned | ${scores.cancelledTombstoned}/${scores.cancelledTombstoned + scores.cancelledActive} | ${ratio(scores.cancelledTombstoned, scores.cancelledTombstoned + scores.cancelledActive)} |`,
  `| active streams wrongly tombstoned | ${scores.activeTombstoned}/${scores.matched} | ${ratio(scores.activeTombstoned, scores.matched)} |`,
  `| price changes reported | ${scores.priceChangesFound}/${scores.priceChanges} | ${ratio(scores.priceChangesFound, scores.priceChanges)} |`,
  "",
  `Throughput, one user's 13 months (about ${result.synthetic.transactionsPerUser} transactions, merchant names already normalised by a first run) on one core: CPU time median ${result.throughput.cpuMsPerUserMedian} ms, p95 ${result.throughput.cpuMsPerUserP95} ms; wall time median ${result.throughput.msPerUserMedian} ms, p95 ${result.throughput.msPerUserP95} ms (${result.machine.cpus} cores shared, load average ${result.machine.loadavg1}).`,
  "",
  `### Plaid sandbox users (US, USD): ${plaid.expectedFound}/${plaid.expected} expected monthly loans, card payments and payroll found`,
  "",
  "| file | transactions | streams | expected found | missing |",
  "|---|---|---|---|---|",
  ...plaid.files.map(
    (f) => `| ${f.file} | ${f.transactions} | ${f.streams.length} | ${f.found.length}/${f.expected.length} | ${f.missing.join(", ") || "—"} |`,
  ),
  "",
].join("\n");

console.log(md);
if (showErrors) {
  console.log(`### Missed (${scores.misses.length})\n${scores.misses.map((m) => `- ${m}`).join("\n")}\n`);
  console.log(`### False positives (${scores.falsePositives.length})\n${scores.falsePositives.map((m) => `- ${m}`).join("\n")}\n`);
  for (const f of plaid.files) console.log(`${f.file}: ${f.streams.map((s) => `${s.merchant} ${s.frequency} ${s.status}`).join("; ")}`);
}
const dir = join(import.meta.dirname, "..", "results");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "recurring.json"), `${JSON.stringify({ ...result, misses: scores.misses, falsePositives: scores.falsePositives }, null, 2)}\n`);
writeFileSync(join(dir, "recurring.md"), md);
