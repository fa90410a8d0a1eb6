#!/usr/bin/env bash
# Runs every check: typecheck, lint, unit tests and integration tests against the local
# AWS emulator (each package that has *.int.test.ts starts its own moto server, or uses
# AWS_ENDPOINT_URL when set). Extra arguments go to turbo, e.g. --filter=@expenzez/db.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
source "$root/scripts/env.sh"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
pnpm exec turbo run typecheck lint test --concurrency=2 "$@" 2>&1 | tee "$log" || status=$?
# Every log line the suites wrote (each package's .local/logs/<package>.log, the demo test's
# service logs) must hold no token or account number (shared/testing/src/log-scan.ts).
pnpm exec tsx shared/testing/src/scan-logs-main.ts .local/logs .local/demo || status=1
# One closing line over every package's vitest summary ("Tests  3 failed | 40 passed (43)").
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\x1b\[[0-9;]*m/g, "");
  let passed = 0, failed = 0, skipped = 0;
  for (const line of text.split("\n")) {
    const m = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (!m) continue;
    passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
    skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
' "$log"
exit "$status"
