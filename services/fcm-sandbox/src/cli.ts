import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { startFcmSandbox } from "./server";

/** `pnpm --filter @expenzez/fcm-sandbox start -- --port 4020 [--key-file fcm-key.json]`: writes the service-account key the demo's dispatcher uses. */
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    port: { type: "string", default: process.env.FCM_SANDBOX_PORT ?? "4020" },
    host: { type: "string", default: "127.0.0.1" },
    "key-file": { type: "string" },
  },
});
const fcm = await startFcmSandbox({ port: Number(values.port), host: values.host });
const keyFile = values["key-file"];
if (keyFile) {
  // Written whole, then renamed: a dispatcher polling for the file never reads half of it.
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(`${keyFile}.tmp`, JSON.stringify(fcm.serviceAccount), { mode: 0o600 });
  renameSync(`${keyFile}.tmp`, keyFile);
}
process.stdout.write(`${JSON.stringify({ msg: "FCM stand-in listening", url: fcm.url, projectId: fcm.projectId })}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void fcm.stop().then(() => process.exit(0)));
