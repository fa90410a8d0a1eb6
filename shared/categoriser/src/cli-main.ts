import { parseArgs, runCli } from "./cli";
import { InvalidInputError } from "./errors";

try {
  process.exitCode = await runCli(process.stdin, process.stdout, process.stderr, parseArgs(process.argv.slice(2)));
} catch (error) {
  // Bad arguments or rules file: say what is wrong, no stack trace.
  process.stderr.write(`${error instanceof InvalidInputError ? [error.message, ...error.issues].join("\n") : String(error)}\n`);
  process.exitCode = 1;
}
