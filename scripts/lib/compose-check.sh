# shellcheck shell=bash
# compose-check: checks a Compose file with compose-go, the loader Docker Compose itself uses, without a Docker
# engine (tools/compose-check). Built with `go build` from that module, pinned by its go.mod and go.sum (checked
# against sum.golang.org), into $TOOLS_DIR/compose-check-<hash of the sources>/ and linked from $BIN_DIR, so a
# changed pin or main.go builds beside the old binary. Sourced, not executed; needs common.sh and tools.sh.

COMPOSE_CHECK_SRC="${COMPOSE_CHECK_SRC:-$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../../tools/compose-check" && pwd)}"

# compose_check_hash: short sha256 over the module's sources (go.mod, go.sum, *.go).
compose_check_hash() {
  (cd -- "$COMPOSE_CHECK_SRC" && cat go.mod go.sum ./*.go) | sha256sum | cut -c1-12
}

tool_compose_check() {
  local version dir log="$LOG_DIR/build-compose-check.log" go tmp start cmd
  version=$(compose_check_hash)
  dir="compose-check-$version"
  if [[ -x $TOOLS_DIR/$dir/compose-check ]]; then
    link_tool "$dir" compose-check compose-check
    return 0
  fi
  start=$(now)
  go=$(find_go) || fail tools/compose-check "go version" "" \
    "install Go >= 1.24 (https://go.dev/dl) and put it on PATH, or set GO=/path/to/go"
  cmd="cd $COMPOSE_CHECK_SRC && GOMODCACHE=$GO_DIR/mod GOCACHE=$GO_DIR/build GOFLAGS='-trimpath -mod=readonly' CGO_ENABLED=0 $go build -o <tmp>/compose-check ."
  progress tools/compose-check building "go build in tools/compose-check; the first build downloads modules; log: $log"
  tmp=$(mktemp -d "$TOOLS_DIR/.$dir.XXXXXX")
  chmod 755 "$tmp"
  printf '\n=== %s %s\n' "$(date -Is)" "$cmd" >>"$log"
  (cd -- "$COMPOSE_CHECK_SRC" &&
    env GOMODCACHE="$GO_DIR/mod" GOCACHE="$GO_DIR/build" GOFLAGS='-trimpath -mod=readonly' CGO_ENABLED=0 \
      "$go" build -o "$tmp/compose-check" . >>"$log" 2>&1 </dev/null 9>&-) ||
    { rm -rf -- "$tmp"; fail tools/compose-check "$cmd" "$log" \
      "needs Go >= 1.24 and the Go module proxy (go env GOPROXY); a go.sum mismatch means tools/compose-check/go.sum was edited by hand: run 'go mod tidy' there"; }
  rm -rf -- "${TOOLS_DIR:?}/$dir"
  mv -- "$tmp" "$TOOLS_DIR/$dir"
  link_tool "$dir" compose-check compose-check
  progress tools/compose-check ok "$version, built in $(elapsed "$start")"
}
