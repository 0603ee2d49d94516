#!/usr/bin/env bash
# Installs the zstd CLI that docs/s3-layout.md's check of a data object by hand uses: Debian's zstd of the release
# line pinned in scripts/lib/zstd.sh. Idempotent: a second run checks the installed version and changes nothing.
# Needs root (or sudo) for apt-get when zstd is missing.
#
#   bash scripts/install-zstd.sh
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/zstd.sh
source scripts/lib/zstd.sh

mkdir -p -- "$LOG_DIR"
zstd_install
