# shellcheck shell=bash disable=SC2034  # CHROMIUM_* are read by scripts/install-browser.sh
# Debian's chromium, the headless browser test/integration/webui.test.ts drives with playwright-core.
# Sourced after scripts/lib/common.sh (apt_ensure_line, progress, fail).
#
# The pin is the major version, a release line: Debian's security archive keeps only the newest build of it
# (every security update replaces the point release), so the install takes the archive's current build of the
# line and prints which; it fails only when the line itself is gone.

CHROMIUM_LINE=156
CHROMIUM_BIN=${CHROMIUM_BIN:-/usr/bin/chromium}

chromium_install() {
  # chromium-common comes from the same source at the same version; apt would otherwise pick its candidate.
  apt_ensure_line chromium "$CHROMIUM_LINE" "CHROMIUM_LINE in scripts/lib/browser.sh" chromium-common
  [[ -x $CHROMIUM_BIN ]] ||
    fail chromium "test -x $CHROMIUM_BIN" "$LOG_DIR/apt.log" "the chromium package did not install $CHROMIUM_BIN"
}
