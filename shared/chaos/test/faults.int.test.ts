import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "@expenzez/local-aws";
import { emulatorEndpoint, resetForFile } from "@expenzez/testing";
import { expect, it } from "vitest";
import { formatReport, runFaultSuite, seedFromEnv } from "../src";

// The CI size of the fault suite (docs/faults.md): a few users, about a minute of faults, then a
// drain and every invariant. FAULT_SEED replays a failing run; FAULT_SOAK_MINUTES makes it a soak.
const soakMinutes = Number(process.env.FAULT_SOAK_MINUTES ?? 0);
const faultSeconds = soakMinutes > 0 ? soakMinutes * 60 : 60;

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
      drainSeconds: 180,
      intensity: 2,
      logDir,
      say: (line) => console.log(line),
    });
    writeFileSync(join(logDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log([...formatReport(report), `report and service logs in ${logDir}`].join("\n"));
    // Assess
    expect(report.faults.total).toBeGreaterThanOrEqual(500);
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
  (faultSeconds + 180 + 240) * 1000,
);
