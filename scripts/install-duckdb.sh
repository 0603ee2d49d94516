#!/usr/bin/env bash
# Installs DuckDB (CLI and its httpfs extension) at the versions pinned in scripts/lib/duckdb.sh, under
# ~/.cache/db-archiver: the binary as bin/duckdb, the extension in duckdb/extensions. Idempotent. The test of the
# documented archive queries (test/integration/reading-archives.test.ts) needs it.
#
#   bash scripts/install-duckdb.sh
#   ~/.cache/db-archiver/bin/duckdb -cmd "SET extension_directory = '$HOME/.cache/db-archiver/duckdb/extensions'"
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/versions.sh
source scripts/lib/versions.sh
# shellcheck source=scripts/lib/tools.sh
source scripts/lib/tools.sh
# shellcheck source=scripts/lib/duckdb.sh
source scripts/lib/duckdb.sh

mkdir -p -- "$TOOLS_DIR" "$BIN_DIR" "$LOG_DIR" "$DOWNLOAD_DIR"
duckdb_install
