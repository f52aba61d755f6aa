#!/usr/bin/env bash
# The whole test suite from a fresh clone: system packages, npm ci (which builds every package),
# then build + typecheck + lint + unit tests for every package (nx), then the package checks
# (publint, arethetypeswrong, tarball install and ESM/CJS import in a scratch project).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests talk to for real: redis-server (BullMQ queue tests), chromium (browser demo e2e)
# and curl (the seed's curl example against `noise-classifier serve`).
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing system packages: ${need[*]} (install them with: sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
rm -rf packages/*/.test-results apps/*/.test-results
npx nx run-many -t build typecheck lint test --output-style=stream
node tooling/package-checks.mjs | tee .package-checks.log
node tooling/summarize-tests.mjs
