#!/usr/bin/env bash
# Runs a command under the project's Node.js (package.json "engines"): the machine's own node when it is recent
# enough, otherwise the pinned one in ~/.cache/db-archiver/tools/node-<version>/, installed on first use.
# The npm scripts that run project code go through it:
#
#   bash scripts/with-node.sh tsx bench/run.ts --rows 100000
set -euo pipefail
# shellcheck source=scripts/lib/use-node.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/use-node.sh"
exec "$@"
