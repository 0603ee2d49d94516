#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Local services for db-archiver development and CI, without Docker.
#
#   bash scripts/services.sh up [SERVICE...]      install what is missing, start, wait until healthy
#   bash scripts/services.sh down [SERVICE...]    stop what this script started
#   bash scripts/services.sh status [SERVICE...]  one line per service; exit 0 only if all are up
#   bash scripts/services.sh env                  export lines (tool paths, S3 credentials)
#
# SERVICE: postgres postgres-replica mariadb mariadb-replica redis minio temporal
# toxiproxy, or `tools` (only install the pinned binaries, including the Temporal
# test server). No SERVICE means all of them. Layout, ports and pins: docs/services.md.
set -euo pipefail

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/versions.sh
source "$SCRIPT_DIR/lib/versions.sh"
# shellcheck source=lib/common.sh
source "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/tools.sh
source "$SCRIPT_DIR/lib/tools.sh"
# shellcheck source=lib/node.sh
source "$SCRIPT_DIR/lib/node.sh"
# shellcheck source=lib/postgres.sh
source "$SCRIPT_DIR/lib/postgres.sh"
# shellcheck source=lib/mariadb.sh
source "$SCRIPT_DIR/lib/mariadb.sh"
# shellcheck source=lib/postgres-replica.sh
source "$SCRIPT_DIR/lib/postgres-replica.sh"
# shellcheck source=lib/mariadb-replica.sh
source "$SCRIPT_DIR/lib/mariadb-replica.sh"
# shellcheck source=lib/redis.sh
source "$SCRIPT_DIR/lib/redis.sh"
# shellcheck source=lib/minio.sh
source "$SCRIPT_DIR/lib/minio.sh"
# shellcheck source=lib/temporal.sh
source "$SCRIPT_DIR/lib/temporal.sh"
# shellcheck source=lib/toxiproxy.sh
source "$SCRIPT_DIR/lib/toxiproxy.sh"

# In start order: each replica after its primary (`down` goes the other way).
ALL_SERVICES=(postgres postgres-replica mariadb mariadb-replica redis minio temporal toxiproxy)

# fn SERVICE: the prefix of its functions (postgres-replica -> postgres_replica_up, ...).
fn() { printf '%s' "${1//-/_}"; }

# usage [STATUS]: print the header comment above (lines 3-13), exit STATUS (2).
usage() {
  sed -n '3,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
  exit "${1:-2}"
}

# select_targets ARGS...: sets SERVICES (in start order) and TOOLS.
select_targets() {
  local arg svc all_tools=0 wanted=" $* "
  SERVICES=()
  TOOLS=()
  if (($# == 0)); then
    SERVICES=("${ALL_SERVICES[@]}")
    all_tools=1
  fi
  for arg in "$@"; do
    case $arg in
      tools) all_tools=1 ;;
      postgres | postgres-replica | mariadb | mariadb-replica | redis | minio | temporal | toxiproxy) ;;
      *) say "unknown service '$arg' (known: ${ALL_SERVICES[*]} tools)"; usage ;;
    esac
  done
  if (($# > 0)); then
    for svc in "${ALL_SERVICES[@]}"; do
      if [[ $wanted == *" $svc "* ]]; then SERVICES+=("$svc"); fi
    done
  fi
  if ((all_tools)); then
    TOOLS=(temporal temporal_test_server minio toxiproxy)
  else
    for svc in "${SERVICES[@]}"; do
      case $svc in minio | temporal | toxiproxy) TOOLS+=("$svc") ;; esac
    done
  fi
}

cmd_up() {
  local start svc tool pkgs=() more=() uniq=()
  start=$(now)
  select_targets "$@"
  ensure_layout
  take_lock

  # 1. Debian packages, in one apt-get run (apt-get update only if needed).
  for svc in "${SERVICES[@]}"; do
    mapfile -t more < <("$(fn "$svc")_packages")
    pkgs+=("${more[@]}")
  done
  for tool in "${TOOLS[@]}"; do
    if [[ $tool == temporal* ]] && ! find_python >/dev/null; then pkgs+=(python3-pip); fi
  done
  if ((${#pkgs[@]})); then
    mapfile -t uniq < <(printf '%s\n' "${pkgs[@]}" | awk '!seen[$0]++')
    apt_install "${uniq[@]}"
    postgres_after_install
    mariadb_after_install
    redis_after_install
  fi

  # 2. Pinned binaries.
  for tool in "${TOOLS[@]}"; do "tool_$tool"; done

  # 3. Services.
  for svc in "${SERVICES[@]}"; do "$(fn "$svc")_up"; done
  say "up ... done in $(elapsed "$start") (status: bash scripts/services.sh status; env: eval \"\$(bash scripts/services.sh env)\")"
}

cmd_down() {
  local i
  select_targets "$@"
  ensure_layout
  take_lock
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do "$(fn "${SERVICES[i]}")_down"; done
}

cmd_status() {
  local svc rc=0 line
  select_targets "$@"
  for svc in "${SERVICES[@]}"; do
    line=$("$(fn "$svc")_status")
    printf '%s\n' "$line"
    [[ $(awk '{ print $3 }' <<<"$line") == up ]] || rc=1
  done
  if (($# == 0)) || [[ " $* " == *" tools "* ]]; then
    if [[ -x $BIN_DIR/temporal-test-server ]]; then
      status_line temporal-test-server - installed - "$TEMPORAL_TEST_SERVER_VERSION (started by the tests)"
    else
      status_line temporal-test-server - missing - "$TEMPORAL_TEST_SERVER_VERSION (bash scripts/services.sh up tools)"
      rc=1
    fi
  fi
  return "$rc"
}

cmd_env() {
  local name value
  for name in DB_ARCHIVER_HOME TEMPORAL_CLI_PATH TEMPORAL_TEST_SERVER_PATH MINIO_BIN \
    TOXIPROXY_SERVER_PATH TOXIPROXY_CLI_PATH AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION; do
    case $name in
      DB_ARCHIVER_HOME) value=$DB_ARCHIVER_HOME ;;
      TEMPORAL_CLI_PATH) value=$BIN_DIR/temporal ;;
      TEMPORAL_TEST_SERVER_PATH) value=$BIN_DIR/temporal-test-server ;;
      MINIO_BIN) value=$BIN_DIR/minio ;;
      TOXIPROXY_SERVER_PATH) value=$BIN_DIR/toxiproxy-server ;;
      TOXIPROXY_CLI_PATH) value=$BIN_DIR/toxiproxy-cli ;;
      AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY) value=minioadmin ;;
      AWS_REGION) value=us-east-1 ;;
    esac
    printf 'export %s=%q\n' "$name" "$value"
  done
  # The project's Node.js first on PATH (so `npx archiver` runs under it) when the machine's own is too old.
  if ! node_machine_bin >/dev/null && value=$(node_pinned_bin); then
    value=$(dirname -- "$value")
    [[ :$PATH: == *":$value:"* ]] || printf 'export PATH=%q:"$PATH"\n' "$value"
  fi
}

main() {
  local cmd=${1:-}
  (($#)) && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    env) (($# == 0)) || usage; cmd_env ;;
    -h | --help | help) usage 0 ;;
    *) usage ;;
  esac
}

main "$@"
