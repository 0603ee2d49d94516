#!/usr/bin/env bash
# `npm test`: installs what is missing, brings up the real services the tests talk to, checks types and lint,
# and runs every test (unit, then integration against PostgreSQL, MariaDB, MinIO, Redis and Temporal).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/use-node.sh
source scripts/lib/use-node.sh
echo "test: Node.js $(node --version) ($DB_ARCHIVER_NODE)" >&2

bash scripts/ensure-deps.sh
bash scripts/services.sh up
# Chromium for the Web UI test, DuckDB (with httpfs) for the reading-archives test, the zstd CLI for the docs
# test's check of a data object by hand: pinned, cached, idempotent.
bash scripts/install-browser.sh
bash scripts/install-duckdb.sh
bash scripts/install-zstd.sh
eval "$(bash scripts/services.sh env)"

echo "test: typecheck and lint" >&2
npx tsc -p tsconfig.json --noEmit
npm run --silent lint
npm run --silent build

echo "test: jest (unit and integration)" >&2
npx jest --runInBand --ci "$@"
