// `pnpm faults` (docs/faults.md): one fault-injection run on the local emulator, report to
// stdout and as JSON. FAULT_SEED replays a run's plan; FAULT_SOAK_MINUTES makes it a soak.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { runMain } from "@expenzez/config";
import { repoRoot, withEmulator } from "@expenzez/local-aws";
import { seedFromEnv } from "./prng";
import { formatReport, passed } from "./report";
import { runFaultSuite } from "./suite";

// `pnpm faults -- --users 4` hands node literal "--"s first (the root script's and the caller's); one would end the options.
const argv = process.argv.slice(2);
while (argv[0] === "--") argv.shift();
const { values } = parseArgs({
  args: argv,
  options: {
    users: { type: "string", default: "6" },
    seconds: { type: "string" },
    intensity: { type: "string", default: "1" },
    json: { type: "string" },
  },
});
const root = repoRoot();
const soakMinutes = Number(process.env.FAULT_SOAK_MINUTES ?? 0);
const seconds = values.seconds ? Number(values.seconds) : soakMinutes > 0 ? soakMinutes * 60 : 90;
const jsonPath = values.json ?? join(root, ".local", "faults", "report.json");

await runMain(async () => {
  const seed = seedFromEnv();
  console.log(`fault suite: seed ${seed} (FAULT_SEED=${seed} replays it), ${seconds} s of faults`);
  let ok = false;
  await withEmulator(async (emulator) => {
    const report = await runFaultSuite({
      endpoint: emulator.endpoint,
      root,
      seed,
      users: Number(values.users),
      faultSeconds: seconds,
      intensity: Number(values.intensity),
      drainSeconds: Math.max(150, Math.round(seconds / 2)),
      logDir: join(root, ".local", "faults", "logs"),
    });
    for (const line of formatReport(report)) console.log(line);
    mkdirSync(dirname(jsonPath), { recursive: true });
    writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`report written to ${jsonPath}`);
    ok = passed(report);
  });
  console.log(ok ? "fault suite ok" : "fault suite FAILED");
  process.exitCode = ok ? 0 : 1;
  setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
});
