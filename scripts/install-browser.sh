#!/usr/bin/env bash
# Installs the browser the Web UI test needs: Debian's chromium at the version pinned in scripts/lib/browser.sh.
# Idempotent: a second run checks the installed version and changes nothing. Needs root (or sudo) for apt-get.
#
#   bash scripts/install-browser.sh
set -euo pipefail
cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/browser.sh
source scripts/lib/browser.sh

mkdir -p -- "$LOG_DIR"
chromium_install
