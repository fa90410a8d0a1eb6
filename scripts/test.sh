#!/usr/bin/env bash
# Runs every check: typecheck, lint, unit tests and integration tests against the local
# AWS emulator (each package that has *.int.test.ts starts its own moto server).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
export PATH="$root/.tools/node_modules/.bin:$root/node_modules/.bin:$PATH"
# The lockfile pins an SDK that supports Node 20; its "Node 22 from 2027" notice is known (docs/adr).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
exec pnpm run test -- "$@"
