#!/usr/bin/env bash
# Installs what the project needs on a fresh machine that has only Node and Python 3:
# a pinned pnpm (project-local), the Node dependencies from the lockfile, and a
# project-local Python venv with a pinned moto server. Repeating it is a no-op.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pnpm_version="$(node -p "require('./package.json').packageManager.split('@')[1]")"
pnpm_bin="$root/.tools/node_modules/.bin/pnpm"
say() { printf '[bootstrap] %s\n' "$*" >&2; }

if [ ! -x "$pnpm_bin" ] || [ "$("$pnpm_bin" --version 2>/dev/null)" != "$pnpm_version" ]; then
  say "installing pnpm $pnpm_version into .tools/"
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --loglevel=error -E "pnpm@$pnpm_version" >&2
fi

# Node dependencies: reinstall only when the lockfile changed since the last install.
lock_sum="$(sha256sum pnpm-lock.yaml | cut -d' ' -f1)"
if [ ! -f node_modules/.lock-sum ] || [ "$(cat node_modules/.lock-sum)" != "$lock_sum" ]; then
  say "installing Node dependencies (pnpm install --frozen-lockfile)"
  "$pnpm_bin" install --frozen-lockfile --reporter=append-only >&2
  echo "$lock_sum" > node_modules/.lock-sum
fi

# The local AWS emulator, in a project-local venv so nothing global is touched.
req="scripts/requirements-moto.txt"
req_sum="$(sha256sum "$req" | cut -d' ' -f1)"
if [ ! -f .venv/.req-sum ] || [ "$(cat .venv/.req-sum)" != "$req_sum" ]; then
  say "creating .venv with moto server ($(grep -v '^#' "$req" | head -1))"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$req" >&2
  echo "$req_sum" > .venv/.req-sum
fi
