# shellcheck shell=bash disable=SC2034  # ZSTD_* are read by scripts/install-zstd.sh
# Debian's zstd, the CLI that the documented check of a data object by hand uses (`… .jsonl.zst - | zstd -dc`,
# docs/s3-layout.md; run by test/integration/docs-commands.test.ts). Sourced after scripts/lib/common.sh
# (apt_ensure_line, fail).
#
# The pin is the release line, as for chromium (scripts/lib/browser.sh): Debian's security archive keeps only the
# newest build of a package (an update such as 1.5.4+dfsg2-5+deb12u1 replaces 1.5.4+dfsg2-5), so the install
# takes the archive's current build of the line and prints which; it fails only when the line itself is gone.
# 1.5 is upstream's line since 2021, the one Debian 12 ships; its frame format and `-dc` are what the docs use.

ZSTD_LINE=1.5
ZSTD_BIN=${ZSTD_BIN:-/usr/bin/zstd}

zstd_install() {
  apt_ensure_line zstd "$ZSTD_LINE" "ZSTD_LINE in scripts/lib/zstd.sh"
  [[ -x $ZSTD_BIN ]] ||
    fail zstd "test -x $ZSTD_BIN" "$LOG_DIR/apt.log" "the zstd package did not install $ZSTD_BIN"
}
