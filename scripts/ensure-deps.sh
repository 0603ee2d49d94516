#!/usr/bin/env bash
# Installs the npm dependencies (and builds dist/) when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/use-node.sh
source scripts/lib/use-node.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "deps: npm ci" >&2
  npm ci --no-audit --no-fund
fi
if [ ! -f dist/client.js ]; then
  npm run --silent build
fi
