// The last step of `scripts/test.sh`: every captured log line of the suites, and the demo's
// service logs, must hold no token or account number. Exit 1 names each finding (masked).
import { scanLogs } from "./log-scan";

const dirs = process.argv.slice(2);
const { files, lines, findings } = scanLogs(dirs);
for (const f of findings.slice(0, 50)) console.error(`${f.file}:${f.line}: ${f.kind}: ${f.excerpt}`);
console.log(`log scan: ${lines} lines in ${files} files, ${findings.length} secret(s) found`);
process.exitCode = findings.length > 0 ? 1 : 0;
