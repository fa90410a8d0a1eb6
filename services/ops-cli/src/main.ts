import { runCli } from "./cli";
import { createOpsContext } from "./context";
import { terminalProgress } from "./progress";

let ctx: ReturnType<typeof createOpsContext> | undefined;
const code = await runCli(process.argv.slice(2), {
  context: () => {
    ctx ??= createOpsContext();
    return ctx;
  },
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text),
  ...(process.stderr.isTTY ? { progress: terminalProgress } : {}),
});
process.exitCode = code;
