import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@expenzez/local-aws";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { expect, it } from "vitest";
import { formatReport, runFaultSuite, seedFromEnv } from "../src";

// The CI size of the fault suite (docs/faults.md): 4 users, faults until 500 are in (at most
// 150 s; about a minute at load 15-30), then a drain and every invariant. The count, not the
// time, is the bar: the loops slow down with the machine. FAULT_SEED replays a failing run;
// FAULT_SOAK_MINUTES makes it a soak (that many minutes of faults, no count target).
const TARGET_FAULTS = 500;
const soakMinutes = Number(process.env.FAULT_SOAK_MINUTES ?? 0);
const soak = soakMinutes > 0;
const faultSeconds = soak ? soakMinutes * 60 : 150;
const drainSeconds = 180;

it(
  "loses nothing and keeps every invariant while workers die, messages repeat, the bank storms and the network drops",
  async () => {
    // Prepare
    await resetForFile();
    const seed = seedFromEnv();
    const logDir = mkdtempSync(join(tmpdir(), "faults-"));
    // Act
    const report = await runFaultSuite({
      endpoint: emulatorEndpoint(),
      root: repoRoot(),
      seed,
      users: 4,
      days: 30,
      faultSeconds,
      ...(soak ? {} : { targetFaults: TARGET_FAULTS }),
      drainSeconds,
      intensity: 2.5,
      logDir,
      say: (line) => console.log(line),
    });
    writeFileSync(join(logDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log([...formatReport(report), `report and service logs in ${logDir}`].join("\n"));
    // Assess
    expect(report.faults.total).toBeGreaterThanOrEqual(TARGET_FAULTS);
    expect(report.faults.byKind.process_kill).toBeGreaterThan(0);
    expect(report.faults.byKind.sqs_duplicate).toBeGreaterThan(0);
    expect(report.faults.byKind.eventbridge_duplicate).toBeGreaterThan(0);
    expect(report.faults.byKind.network_drop).toBeGreaterThan(0);
    expect(report.drained).toBe(true);
    expect(report.lost).toBe(0);
    expect(report.processes.unexpectedExits).toEqual([]);
    expect(report.invariants.violations).toEqual([]);
    expect(report.invariants.checked.exactly_once).toBeGreaterThan(0);
    expect(report.invariants.checked.budgets).toBeGreaterThan(0);
  },
  (faultSeconds + drainSeconds + 240) * 1000,
);
