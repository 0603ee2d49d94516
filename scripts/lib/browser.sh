# shellcheck shell=bash disable=SC2034  # CHROMIUM_* are read by scripts/install-browser.sh
# Debian's chromium, the headless browser test/integration/webui.test.ts drives with playwright-core.
# Sourced after scripts/lib/common.sh (apt_install, progress, fail).
#
# The pin is the exact Debian version. Debian's security archive keeps only the newest build, so a pin goes stale
# when a security update lands; the install then stops and names the version to pin instead.

CHROMIUM_VERSION=156.0.8078.108-1~deb12u1
CHROMIUM_BIN=/usr/bin/chromium

# chromium_installed_version: the installed version of a Debian package, or nothing.
chromium_installed_version() {
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null | awk '$1 == "installed" { print $2 }' || true
}

# chromium_available VERSION: the Debian archive (as last fetched) offers chromium at VERSION.
chromium_available() {
  apt-cache madison chromium 2>/dev/null | awk -F' *[|] *' -v v="$1" '$2 == v { found = 1 } END { exit !found }'
}

chromium_install() {
  local have candidate
  have=$(chromium_installed_version chromium)
  if [[ $have == "$CHROMIUM_VERSION" && -x $CHROMIUM_BIN ]]; then
    progress chromium ok "$CHROMIUM_VERSION, already installed ($CHROMIUM_BIN)"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail chromium "apt-get install chromium=$CHROMIUM_VERSION" "" "no apt-get: this script installs Debian's chromium"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >>"$LOG_DIR/apt.log" 2>&1 9>&- ||
    fail chromium "apt-get update" "$LOG_DIR/apt.log" "check the Debian mirror in /etc/apt/sources.list*, then rerun"
  APT_UPDATED=1
  if ! chromium_available "$CHROMIUM_VERSION"; then
    candidate=$(apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ { print $2 }')
    fail chromium "apt-get install chromium=$CHROMIUM_VERSION" "" \
      "the Debian archive no longer offers $CHROMIUM_VERSION (a security update replaced it); it offers ${candidate:-nothing}: set CHROMIUM_VERSION in scripts/lib/browser.sh to that and rerun"
  fi
  # chromium-common is pinned with it: apt would otherwise pick the candidate, which must be the same version.
  apt_install "chromium=$CHROMIUM_VERSION" "chromium-common=$CHROMIUM_VERSION"
  [[ -x $CHROMIUM_BIN ]] ||
    fail chromium "test -x $CHROMIUM_BIN" "$LOG_DIR/apt.log" "the chromium package did not install $CHROMIUM_BIN"
  progress chromium ok "$(chromium_installed_version chromium), $CHROMIUM_BIN"
}
