// `pnpm provision`: creates or updates the stack on the emulator (AWS_ENDPOINT_URL, or a moto
// server started for the run) and prints what changed. A second run changes nothing and says so.
import { createAwsClients } from "@expenzez/aws";
import { assertEmulatorStage, loadConfig, runMain } from "@expenzez/config";
import { useEmulator } from "@expenzez/local-aws";
import { stackDefinition } from "@expenzez/resources";
import { provision } from "./provision";

await runMain(async () => {
  assertEmulatorStage();
  const emulator = await useEmulator();
  try {
    const config = loadConfig({ ...process.env, AWS_ENDPOINT_URL: emulator.endpoint });
    const def = stackDefinition(config.STAGE);
    const { changes } = await provision(createAwsClients({ region: config.AWS_REGION, endpoint: emulator.endpoint }), def);
    for (const c of changes) console.log(`${c.action.padEnd(9)} ${c.resource.padEnd(15)} ${c.name}${c.detail ? `  (${c.detail})` : ""}`);
    const changed = changes.filter((c) => c.action !== "unchanged").length;
    console.log(
      changed
        ? `\n${changed} of ${changes.length} resources created or updated at ${emulator.endpoint}`
        : `\nnothing to change: all ${changes.length} resources are up to date`,
    );
    if (emulator.owned) console.log("(this moto server stops now; set AWS_ENDPOINT_URL to provision a long-running emulator)");
  } finally {
    await emulator.stop();
  }
});
