import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createLogger } from "@expenzez/logger";
import { InvalidSandboxInputError } from "./errors";
import { startSandbox } from "./server";
import { sandboxConfigSchema } from "./state";

/** `pnpm --filter @expenzez/truelayer-sandbox start -- --port 4010 [--seed demo] [--config sandbox.json]` */
const log = createLogger("truelayer-sandbox");
// `pnpm start -- --port 4010` passes the "--" through: drop it so the flags are read.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === "--" ? argv.slice(1) : argv,
  options: {
    port: { type: "string", default: process.env.TRUELAYER_SANDBOX_PORT ?? "4010" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string", default: process.env.TRUELAYER_SANDBOX_SEED ?? "expenzez" },
    config: { type: "string" },
  },
  allowPositionals: true,
});

function readConfig(path: string | undefined) {
  if (!path) return {};
  try {
    return sandboxConfigSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  } catch (err) {
    throw new InvalidSandboxInputError(`config file ${path} is not a valid simulator config`, { cause: err });
  }
}

const sandbox = await startSandbox({ port: Number(values.port), host: values.host, seed: values.seed, config: readConfig(values.config), logger: log });
log.info({ url: sandbox.url, authUrl: sandbox.authUrl, dataUrl: sandbox.dataUrl, seed: values.seed }, "TrueLayer simulator listening");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sandbox.stop().then(() => process.exit(0));
  });
}
