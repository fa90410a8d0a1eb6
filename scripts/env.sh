# Sourced by scripts/demo.sh and scripts/test.sh after bootstrap: the project's tools first on PATH.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/.tools/node_modules/.bin:$root/node_modules/.bin:$PATH"
# The lockfile pins an SDK that supports Node 20; its "Node 22 from 2027" notice is known (docs/adr/0003).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
