// The local pipeline demo. For now (foundation): start the emulator, provision the stack and
// print what exists. It grows into the full sync → events → consumers run as services land.
import { createAwsClients } from "@expenzez/aws";
import { provision, stackDefinition } from "@expenzez/infra";
import { withEmulator } from "@expenzez/local-aws";

const stage = process.env.STAGE ?? "local";
const region = process.env.AWS_REGION ?? "eu-west-2";
const step = (n: number, text: string) => console.log(`\n[${n}] ${text}`);

await withEmulator(async (emulator) => {
  step(1, `local AWS emulator at ${emulator.endpoint}${emulator.owned ? " (moto, started for this run)" : ""}`);
  const aws = createAwsClients({ region, endpoint: emulator.endpoint });
  const def = stackDefinition(stage);
  step(2, `provisioning stage "${stage}"`);
  const { changes, handles } = await provision(aws, def);
  for (const c of changes) console.log(`    ${c.action.padEnd(9)} ${c.resource.padEnd(15)} ${c.name}`);
  step(3, "summary");
  console.log(`    table   ${handles.tableName} (GSI1-GSI4, TTL, PITR)`);
  console.log(`    bus     ${handles.busName} with ${def.rules.length} rules`);
  for (const [id, q] of Object.entries(handles.queues)) console.log(`    queue   ${id.padEnd(13)} ${q.url}`);
  console.log(`    key     ${def.key.alias} (${handles.keyId})`);
  console.log(`\n${changes.filter((c) => c.action !== "unchanged").length} resources created; the sync services are not built yet.`);
});
