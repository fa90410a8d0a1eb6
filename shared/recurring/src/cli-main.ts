import { parseArgs, runCli } from "./cli";
import { InvalidInputError } from "./errors";

try {
  process.exitCode = await runCli(process.stdin, process.stdout, process.stderr, parseArgs(process.argv.slice(2)));
} catch (error) {
  // Bad arguments: say what is wrong, no stack trace.
  process.stderr.write(`${error instanceof InvalidInputError ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
