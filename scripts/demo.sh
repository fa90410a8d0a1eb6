#!/usr/bin/env bash
# Runs the whole pipeline locally against the local AWS emulator (started and stopped by
# the demo itself unless AWS_ENDPOINT_URL points at one), with demo data.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
cd "$root"
source "$root/scripts/env.sh"
exec pnpm run --silent demo "$@"
