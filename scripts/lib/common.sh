# shellcheck shell=bash
# Shared helpers for scripts/services.sh: layout, logging, failures,
# processes, apt. Sourced, not executed.

DB_ARCHIVER_HOME="${DB_ARCHIVER_HOME:-${HOME:?HOME is not set}/.cache/db-archiver}"
if [[ $DB_ARCHIVER_HOME != /* ]]; then DB_ARCHIVER_HOME="$PWD/$DB_ARCHIVER_HOME"; fi
TOOLS_DIR="$DB_ARCHIVER_HOME/tools"
BIN_DIR="$DB_ARCHIVER_HOME/bin"
# A second, independent set of services (the chaos suite restarts its own so the
# shared ones stay up): DB_ARCHIVER_INSTANCE=name gives it its own data, log
# and run directories, DB_ARCHIVER_PORT_OFFSET=n moves every port up by n.
DB_ARCHIVER_INSTANCE="${DB_ARCHIVER_INSTANCE:-}"
PORT_OFFSET="${DB_ARCHIVER_PORT_OFFSET:-0}"
if [[ -n $DB_ARCHIVER_INSTANCE && ! $DB_ARCHIVER_INSTANCE =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]]; then
  printf 'services: DB_ARCHIVER_INSTANCE=%q: use lowercase letters, digits and dashes (at most 31)\n' \
    "$DB_ARCHIVER_INSTANCE" >&2
  exit 2
fi
# Ports stay below Linux's ephemeral range (32768+), where a client connection may already hold one.
if [[ ! $PORT_OFFSET =~ ^[0-9]{1,5}$ ]] || ((PORT_OFFSET > 23000)); then
  printf 'services: DB_ARCHIVER_PORT_OFFSET=%q: use a whole number from 0 to 23000 (every port stays below 32768)\n' "$PORT_OFFSET" >&2
  exit 2
fi
if [[ -n $DB_ARCHIVER_INSTANCE ]] && ((PORT_OFFSET == 0)); then
  printf 'services: DB_ARCHIVER_INSTANCE=%s needs DB_ARCHIVER_PORT_OFFSET too (e.g. 10000), or its ports collide with the default set\n' \
    "$DB_ARCHIVER_INSTANCE" >&2
  exit 2
fi
INSTANCE_SUFFIX=${DB_ARCHIVER_INSTANCE:+-$DB_ARCHIVER_INSTANCE}
DATA_DIR="$DB_ARCHIVER_HOME/data$INSTANCE_SUFFIX"
LOG_DIR="$DB_ARCHIVER_HOME/logs$INSTANCE_SUFFIX"
RUN_DIR="$DB_ARCHIVER_HOME/run$INSTANCE_SUFFIX"
DOWNLOAD_DIR="$DB_ARCHIVER_HOME/downloads"
GO_DIR="$DB_ARCHIVER_HOME/go"

# Seconds to wait for a service to become healthy (temporal gets twice this).
SERVICES_TIMEOUT="${SERVICES_TIMEOUT:-60}"

# ---------------------------------------------------------------- output ----

say() { printf 'services: %s\n' "$*" >&2; }

# progress NAME RESULT [DETAIL] -> "services: NAME ... RESULT (DETAIL)"
progress() { say "$1 ... $2${3:+ ($3)}"; }

# fail NAME COMMAND LOGFILE HINT: report a failed step and exit 1.
fail() {
  local name=$1 cmd=$2 log=$3 hint=$4
  say "$name ... FAILED"
  say "  command: $cmd"
  if [[ -n $log && -s $log ]]; then
    say "  last 20 lines of $log:"
    tail -n 20 -- "$log" | sed 's/^/    | /' >&2
  elif [[ -n $log ]]; then
    say "  log: $log (empty or missing)"
  fi
  say "  hint: $hint"
  exit 1
}

# now: seconds since the epoch with fraction; elapsed START -> "1.2s"
# (LC_NUMERIC=C: EPOCHREALTIME uses the locale's decimal separator)
LC_NUMERIC=C
now() { printf '%s' "${EPOCHREALTIME:-$(date +%s.%N)}"; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# quote ARGS...: one shell-quoted line, for messages
quote() { local out; printf -v out '%q ' "$@"; printf '%s' "${out% }"; }

# ----------------------------------------------------------------- users ----

IS_ROOT=0
if [[ $EUID -eq 0 ]]; then IS_ROOT=1; fi
SUDO=()
if [[ $IS_ROOT -eq 0 ]] && command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); fi

# service_user DEFAULT: the OS user a database runs as (only root can switch).
service_user() { if [[ $IS_ROOT -eq 1 ]]; then printf '%s' "$1"; else id -un; fi; }

# as_user USER CMD...: run CMD as USER (directly when already that user).
as_user() {
  local user=$1; shift
  if [[ $user == "$(id -un)" ]]; then "$@"; else runuser -u "$user" -- "$@"; fi
}

# own_path USER PATH...: chown to USER when we are root.
own_path() {
  local user=$1; shift
  if [[ $IS_ROOT -eq 1 ]]; then chown "$user:" "$@"; fi
}

# ensure_reachable USER DIR: make sure USER can traverse down to DIR.
# With the default home (/root/.cache/db-archiver) /root is mode 700, so the
# postgres and mysql users could not reach their data directories; grant
# search (x) permission, never read permission, on the blocking parents.
ensure_reachable() {
  local user=$1 dir=$2 d parts=() i
  [[ $user == "$(id -un)" ]] && return 0
  as_user "$user" test -x "$dir" 2>/dev/null && return 0
  d=$dir
  while [[ $d != / && -n $d ]]; do parts=("$d" "${parts[@]}"); d=$(dirname -- "$d"); done
  for i in "${parts[@]}"; do
    if ! as_user "$user" test -x "$i" 2>/dev/null; then
      say "note: chmod o+x $i (search only) so OS user $user can reach $dir"
      chmod o+x -- "$i"
    fi
  done
}

# ---------------------------------------------------------------- layout ----

ensure_layout() {
  mkdir -p -- "$TOOLS_DIR" "$BIN_DIR" "$DATA_DIR" "$LOG_DIR" "$RUN_DIR" "$DOWNLOAD_DIR" "$GO_DIR"
}

# take_lock: serialise concurrent up/down runs on this machine.
# The lock is fd 9, which every child we start closes (9>&-) so that a
# long-running daemon never holds it.
take_lock() {
  exec 9>"$RUN_DIR/services.lock"
  if command -v flock >/dev/null 2>&1 && ! flock -w 900 9; then
    fail lock "flock $RUN_DIR/services.lock" "" "another 'services.sh up/down' holds the lock; wait for it or kill it"
  fi
}

# ------------------------------------------------------------- processes ----

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# port_owner PORT: "pid/name" of the listener, best effort.
port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'users:(([^)]*))' | head -n 1 || true
}

# pid_matches PID COMM: process PID is alive and its name is COMM.
pid_matches() {
  local pid=$1 comm=$2 actual
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  actual=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $actual == "${comm:0:15}" ]]
}

# pidfile_pid FILE COMM: print the pid in FILE if that process is alive as COMM.
pidfile_pid() {
  local file=$1 comm=$2 pid
  [[ -r $file ]] || return 1
  pid=$(head -n 1 -- "$file" 2>/dev/null | tr -dc '0-9')
  pid_matches "$pid" "$comm" || return 1
  printf '%s' "$pid"
}

# spawn LOG CMD...: start CMD detached (own session, stdin /dev/null, output
# appended to LOG) so it outlives this script; sets SPAWNED_PID.
spawn() {
  local log=$1; shift
  printf '\n=== %s services.sh: %s\n' "$(date -Is)" "$(quote "$@")" >>"$log"
  setsid nohup "$@" </dev/null >>"$log" 2>&1 9>&- &
  SPAWNED_PID=$!
}

# wait_pid_exit PID COMM SECONDS: wait until PID is gone; 1 on timeout.
wait_pid_exit() {
  local pid=$1 comm=$2 deadline
  deadline=$((SECONDS + $3))
  while pid_matches "$pid" "$comm"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# stop_pid NAME PID COMM: SIGTERM, wait, SIGKILL as a last resort.
stop_pid() {
  local name=$1 pid=$2 comm=$3
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_pid_exit "$pid" "$comm" 30; then
    say "$name ... did not exit 30s after SIGTERM; sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    wait_pid_exit "$pid" "$comm" 10 || true
  fi
}

# wait_healthy NAME CHECKFN TIMEOUT PID COMM LOG CMD HINT
# Poll CHECKFN until it succeeds; fail early if PID (when given) dies.
wait_healthy() {
  local name=$1 check=$2 timeout=$3 pid=$4 comm=$5 log=$6 cmd=$7 hint=$8 deadline
  deadline=$((SECONDS + timeout))
  until "$check"; do
    # Right after spawn the process may still be setsid or nohup, not yet exec'd into the server.
    if [[ -n $pid ]] && ! pid_matches "$pid" "$comm" && ! pid_matches "$pid" setsid &&
      ! pid_matches "$pid" nohup && ! pid_matches "$pid" env; then
      fail "$name" "$cmd" "$log" "process $pid exited during startup; $hint"
    fi
    if ((SECONDS >= deadline)); then
      fail "$name" "$cmd" "$log" "not healthy after ${timeout}s (raise SERVICES_TIMEOUT?); $hint"
    fi
    sleep 0.25
  done
}

# ------------------------------------------------------------------- apt ----

APT_UPDATED=0
APT_INSTALLED=()

APT_POLICY_RC=${APT_POLICY_RC:-/usr/sbin/policy-rc.d}

# apt_update: refresh the package lists once per run.
apt_update() {
  local log="$LOG_DIR/apt.log"
  ((APT_UPDATED)) && return 0
  mkdir -p -- "$LOG_DIR"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >>"$log" 2>&1 9>&- ||
    fail apt "apt-get update" "$log" "check the Debian mirror in /etc/apt/sources.list*, then rerun"
  APT_UPDATED=1
}

# apt_install PKG...: install Debian packages without starting their daemons
# (a temporary policy-rc.d keeps e.g. the packaged MariaDB off port 3306).
apt_install() {
  local log="$LOG_DIR/apt.log" policy=$APT_POLICY_RC own_policy=0 rc=0 start
  (($# > 0)) || return 0
  mkdir -p -- "$LOG_DIR"
  command -v apt-get >/dev/null 2>&1 ||
    fail apt "apt-get install $*" "" "no apt-get: install $* with your package manager"
  if [[ $IS_ROOT -eq 0 && ${#SUDO[@]} -eq 0 ]]; then
    fail apt "apt-get install $*" "" "not root and no sudo: run 'sudo apt-get install $*' first"
  fi
  start=$(now)
  progress apt "installing $*" "log: $log"
  # Before the policy file goes in: a failed update stops here, with nothing to clean up.
  apt_update
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from db-archiver scripts/services.sh\nexit 101\n' |
      "${SUDO[@]}" tee "$policy" >/dev/null && "${SUDO[@]}" chmod 755 "$policy" && own_policy=1
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" \
    >>"$log" 2>&1 9>&- || rc=$?
  if [[ $own_policy -eq 1 ]]; then "${SUDO[@]}" rm -f "$policy"; fi
  if [[ $rc -ne 0 ]]; then
    fail apt "apt-get install -y --no-install-recommends $*" "$log" \
      "check the Debian mirror in /etc/apt/sources.list*, then rerun"
  fi
  APT_INSTALLED+=("$@")
  progress apt ok "installed $* in $(elapsed "$start")"
}

# apt_installed_version PKG: the installed Debian version of PKG, or nothing.
apt_installed_version() {
  { dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null || true; } |
    awk '$1 == "installed" { print $2 }'
}

# apt_version_in_line VERSION LINE: VERSION is a build of release line LINE (an epoch ignored):
# 156 holds 156.0.8078.108-1~deb12u1, 4.050 holds 4.050-5+b1, and neither holds 1560.1 or 4.0501.
apt_version_in_line() {
  local v=${1#*:}
  [[ $v == "$2" || $v == "$2".* || $v == "$2"-* || $v == "$2"+* || $v == "$2"~* ]]
}

# apt_offered PKG: the versions of PKG the archive offers (as last fetched), one a line.
apt_offered() { apt-cache madison "$1" 2>/dev/null | awk -F' *[|] *' 'NF >= 2 { print $2 }' | sort -u; }

# apt_line_candidate PKG LINE: the newest build of PKG in LINE that the archive offers, or nothing.
apt_line_candidate() {
  local v best=
  while read -r v; do
    apt_version_in_line "$v" "$2" || continue
    if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done < <(apt_offered "$1")
  printf '%s' "$best"
}

# apt_ensure_line PKG LINE WHERE [COMPANION...]: PKG installed at a build of release line LINE. An installed
# build of the line is kept; otherwise the archive's newest build of the line is installed, COMPANION packages
# (built from the same source) at the same version. Debian's security archive keeps only the newest point
# release, so an exact pin would go stale within weeks; a line goes only with a new major version, and then the
# hint names WHERE the line is set.
apt_ensure_line() {
  local pkg=$1 line=$2 where=$3 have candidate offered c
  shift 3
  have=$(apt_installed_version "$pkg")
  if [[ -n $have ]] && apt_version_in_line "$have" "$line"; then
    progress "$pkg" ok "$have, already installed (pinned line $line)"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 ||
    fail "$pkg" "apt-get install $pkg=$line.*" "" "no apt-get: this script installs Debian's $pkg"
  apt_update
  candidate=$(apt_line_candidate "$pkg" "$line")
  if [[ -z $candidate ]]; then
    offered=$(apt_offered "$pkg" | paste -sd, - | sed 's/,/, /g')
    fail "$pkg" "apt-get install $pkg=$line.*" "" \
      "the Debian archive offers no build of $pkg $line (it offers ${offered:-nothing}); the line is gone: set $where to the line it offers and rerun"
  fi
  [[ -z $have ]] || say "$pkg: installed $have is not of the pinned line $line; installing $candidate"
  local specs=("$pkg=$candidate")
  for c in "$@"; do specs+=("$c=$candidate"); done
  apt_install "${specs[@]}"
  have=$(apt_installed_version "$pkg")
  [[ $have == "$candidate" ]] ||
    fail "$pkg" "dpkg-query -W $pkg" "$LOG_DIR/apt.log" "apt-get reported success but $pkg is at '${have:-nothing}', not $candidate"
  progress "$pkg" ok "$candidate installed (the archive's current build of line $line)"
}

# just_installed PKG: true if this run apt-installed PKG.
just_installed() {
  local p
  for p in "${APT_INSTALLED[@]}"; do [[ $p == "$1" ]] && return 0; done
  return 1
}

# disable_unit UNIT: keep a daemon we just installed from grabbing its port at boot.
disable_unit() {
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    "${SUDO[@]}" systemctl disable --now "$1" >/dev/null 2>&1 || true
  fi
}

# ---------------------------------------------------- generic daemon up/down ----

# status_line NAME ADDRESS STATE PID VERSION (stdout)
status_line() { printf '%-21s %-16s %-9s %-8s %s\n' "$@"; }

# daemon_up NAME ADDRESS CHECKFN PIDFILE COMM LOG TIMEOUT HINT CMD...
# Start CMD detached unless CHECKFN already passes, then wait until healthy.
daemon_up() {
  local name=$1 addr=$2 check=$3 pidfile=$4 comm=$5 log=$6 timeout=$7 hint=$8 start pid port cmd
  shift 8
  start=$(now)
  cmd=$(quote "$@")
  if "$check"; then
    if pid=$(pidfile_pid "$pidfile" "$comm"); then
      progress "$name" ok "$addr, already running, pid $pid"
    else
      progress "$name" ok "$addr, served by a process we did not start; left alone"
    fi
    return 0
  fi
  if pid=$(pidfile_pid "$pidfile" "$comm"); then
    wait_healthy "$name" "$check" "$timeout" "$pid" "$comm" "$log" "$cmd" \
      "our $name (pid $pid) runs but is not healthy; try 'services.sh down $name' then up"
    progress "$name" ok "$addr, was starting, pid $pid"
    return 0
  fi
  rm -f -- "$pidfile"
  port=${addr##*:}
  if port_open "$port"; then
    fail "$name" "$cmd" "" "port $port is taken by another process $(port_owner "$port"); stop it and rerun"
  fi
  spawn "$log" "$@"
  pid=$SPAWNED_PID
  printf '%s\n' "$pid" >"$pidfile"
  wait_healthy "$name" "$check" "$timeout" "$pid" "$comm" "$log" "$cmd" "$hint"
  progress "$name" ok "$addr, started pid $pid in $(elapsed "$start")"
}

# daemon_down NAME PIDFILE COMM: SIGTERM the process we started, if any.
daemon_down() {
  local name=$1 pidfile=$2 comm=$3 pid
  if ! pid=$(pidfile_pid "$pidfile" "$comm"); then
    rm -f -- "$pidfile"
    progress "$name" "not running" "ours"
    return 0
  fi
  stop_pid "$name" "$pid" "$comm"
  rm -f -- "$pidfile"
  progress "$name" stopped "pid $pid"
}

# daemon_status NAME ADDRESS CHECKFN PIDFILE COMM VERSION
daemon_status() {
  local name=$1 addr=$2 check=$3 pidfile=$4 comm=$5 version=$6 state=down pid
  if "$check"; then
    state=up
    pid=$(pidfile_pid "$pidfile" "$comm") || pid=external
  else
    pid=$(pidfile_pid "$pidfile" "$comm") || pid=-
    version=-
  fi
  status_line "$name" "$addr" "$state" "$pid" "$version"
}
