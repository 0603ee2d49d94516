# shellcheck shell=bash disable=SC2034  # DUCKDB_* are read by scripts/install-duckdb.sh and the tests
# DuckDB, which test/integration/reading-archives.test.ts uses to run the queries of docs/s3-layout.md
# ("Reading archives without db-archiver"). Sourced after scripts/lib/common.sh and scripts/lib/tools.sh.
#
# Both come from PyPI wheels, hash-pinned (wheel and the file taken from it), for manylinux2014_x86_64:
#   duckdb-cli               the DuckDB Foundation's CLI binary
#   duckdb-extension-httpfs  DuckDB's own httpfs extension (s3:// and https://), repackaged as a wheel; DuckDB
#                            checks the extension's signature on LOAD, so a modified binary would be refused
# The httpfs extension is installed into $DUCKDB_EXTENSION_DIR so that `INSTALL httpfs; LOAD httpfs;` works
# without DuckDB's extension server, which this machine cannot reach.

DUCKDB_VERSION=1.5.5
DUCKDB_CLI_WHEEL_SHA256=2dda43dbd9d112e5d7c6ffca4d226403696812a79fbb19342c2afa6312974f33
DUCKDB_CLI_BIN_SHA256=3d33b1df037cb049155c393778df7853fafb23e9d49d7c9cacdde4dd67155788
DUCKDB_HTTPFS_WHEEL_SHA256=84913dbe172ccb54368de2c4a020c38ca8b0e76f99df548f7fac37934cc7826f
DUCKDB_HTTPFS_SHA256=887c392b1e49128d11667c81e3698d8b00dfdeb456771acf66d05a0f74f7b7d8
DUCKDB_EXTENSION_DIR="$DB_ARCHIVER_HOME/duckdb/extensions"

duckdb_install() {
  local ext="$TOOLS_DIR/duckdb-httpfs-$DUCKDB_VERSION/httpfs.duckdb_extension"
  local installed="$DUCKDB_EXTENSION_DIR/v$DUCKDB_VERSION/linux_amd64/httpfs.duckdb_extension"
  local log="$LOG_DIR/install-duckdb.log"
  install_wheel_tool duckdb "$DUCKDB_VERSION" duckdb-cli "$DUCKDB_CLI_WHEEL_SHA256" \
    duckdb_cli/duckdb "$DUCKDB_CLI_BIN_SHA256" duckdb
  install_wheel_tool duckdb-httpfs "$DUCKDB_VERSION" duckdb-extension-httpfs "$DUCKDB_HTTPFS_WHEEL_SHA256" \
    "duckdb_extension_httpfs/extensions/v$DUCKDB_VERSION/httpfs.duckdb_extension" "$DUCKDB_HTTPFS_SHA256" \
    httpfs.duckdb_extension
  if [[ -f $installed ]] && cmp -s -- "$ext" "$installed"; then
    progress duckdb/httpfs ok "installed in $DUCKDB_EXTENSION_DIR"
    return 0
  fi
  mkdir -p -- "$DUCKDB_EXTENSION_DIR"
  # INSTALL from a file copies it where `INSTALL httpfs` (a no-op once installed) and `LOAD httpfs` look.
  "$BIN_DIR/duckdb" -c "SET extension_directory = '$DUCKDB_EXTENSION_DIR'; FORCE INSTALL '$ext'; LOAD httpfs;" \
    >>"$log" 2>&1 9>&- ||
    fail duckdb/httpfs "duckdb -c \"SET extension_directory = '$DUCKDB_EXTENSION_DIR'; FORCE INSTALL '$ext'; LOAD httpfs;\"" \
      "$log" "DuckDB refused the extension (a signature or version mismatch); check the pins in scripts/lib/duckdb.sh"
  progress duckdb/httpfs ok "installed in $DUCKDB_EXTENSION_DIR"
}
