#!/usr/bin/env bash
# Runs the whole pipeline locally against the local AWS emulator (started and stopped by
# the demo itself unless AWS_ENDPOINT_URL points at one), with demo data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
export PATH="$root/.tools/node_modules/.bin:$root/node_modules/.bin:$PATH"
# The lockfile pins an SDK that supports Node 20; its "Node 22 from 2027" notice is known (docs/adr).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec pnpm run --silent demo "$@"
