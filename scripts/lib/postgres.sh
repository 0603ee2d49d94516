# shellcheck shell=bash
# PostgreSQL 15 (Debian package postgresql-15) on 127.0.0.1:5432, trust auth,
# own cluster in $DATA_DIR/postgres run by OS user postgres. Sourced.

PG_HOST=127.0.0.1
PG_PORT=$((5432 + PORT_OFFSET))
PG_BINDIR="/usr/lib/postgresql/$PG_MAJOR/bin"
PG_DATA="$DATA_DIR/postgres"
PG_LOG="$LOG_DIR/postgres.log"
PG_SOCKDIR="$RUN_DIR/postgres"
PG_PIDFILE="$RUN_DIR/postgres.pid"
PG_OS_USER=$(service_user postgres)

postgres_packages() {
  if [[ ! -x $PG_BINDIR/initdb || ! -x $PG_BINDIR/pg_ctl || ! -x $PG_BINDIR/psql || ! -x $PG_BINDIR/pg_isready ]]; then
    printf '%s\n' "postgresql-$PG_MAJOR"
  fi
}

postgres_healthy() {
  [[ -x $PG_BINDIR/psql ]] || return 1
  PGCONNECT_TIMEOUT=3 "$PG_BINDIR/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -t 3 || return 1
  PGCONNECT_TIMEOUT=3 "$PG_BINDIR/psql" -X -w -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
    -c 'select 1' >/dev/null 2>&1
}

# postgres_pid: pid of the postmaster of OUR cluster, if running.
postgres_pid() { pidfile_pid "$PG_DATA/postmaster.pid" postgres; }

# postgres_after_install: the Debian package creates cluster 15/main (not
# started: policy-rc.d); keep it from taking port 5432 at the next boot.
postgres_after_install() {
  local conf="/etc/postgresql/$PG_MAJOR/main/start.conf"
  if just_installed "postgresql-$PG_MAJOR" && [[ -f $conf ]] && grep -qx auto "$conf"; then
    say "note: set $conf to manual (the packaged cluster would otherwise take port $PG_PORT at boot)"
    printf 'manual\n' | "${SUDO[@]}" tee "$conf" >/dev/null
  fi
}

postgres_init() {
  local tmp="$PG_DATA.init" cmd
  if [[ -f $PG_DATA/PG_VERSION ]]; then
    if [[ $(cat "$PG_DATA/PG_VERSION") != "$PG_MAJOR" ]]; then
      fail postgres "cat $PG_DATA/PG_VERSION" "" \
        "data dir is from PostgreSQL $(cat "$PG_DATA/PG_VERSION"), not $PG_MAJOR: 'services.sh down postgres && rm -rf $PG_DATA'"
    fi
    return 0
  fi
  rm -rf -- "$tmp"
  mkdir -p -- "$tmp"
  own_path "$PG_OS_USER" "$tmp"
  chmod 700 "$tmp"
  cmd="initdb -D $tmp -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8"
  printf '\n=== %s services.sh: %s\n' "$(date -Is)" "$cmd" >>"$PG_LOG"
  as_user "$PG_OS_USER" "$PG_BINDIR/initdb" -D "$tmp" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >>"$PG_LOG" 2>&1 </dev/null 9>&- ||
    fail postgres "$cmd (as $PG_OS_USER)" "$PG_LOG" "fix the error above, then rerun (a half-made $tmp is recreated)"
  cat >"$tmp/pg_hba.conf" <<'EOF'
# db-archiver local development: trust, loopback only (scripts/services.sh)
# TYPE  DATABASE     USER  ADDRESS       METHOD
local   all          all                 trust
host    all          all   127.0.0.1/32  trust
host    all          all   ::1/128       trust
local   replication  all                 trust
host    replication  all   127.0.0.1/32  trust
host    replication  all   ::1/128       trust
EOF
  printf "\ninclude_if_exists = 'db-archiver.conf'\n" >>"$tmp/postgresql.conf"
  own_path "$PG_OS_USER" "$tmp/pg_hba.conf" "$tmp/postgresql.conf"
  mv -- "$tmp" "$PG_DATA"
}

postgres_write_conf() {
  cat >"$PG_DATA/db-archiver.conf" <<EOF
# Written by scripts/services.sh on every start; edit postgresql.conf instead.
listen_addresses = '$PG_HOST'
port = $PG_PORT
max_connections = 200
unix_socket_directories = '$PG_SOCKDIR'
# The standby (postgres-replica) streams from here; this much WAL stays for it while it is stopped.
wal_keep_size = '512MB'
EOF
  own_path "$PG_OS_USER" "$PG_DATA/db-archiver.conf"
}

# pg_prepare_dirs LOG SOCKDIR: the log file and socket directory, owned by the server's OS user.
pg_prepare_dirs() {
  ensure_reachable "$PG_OS_USER" "$DB_ARCHIVER_HOME"
  touch -- "$1"
  own_path "$PG_OS_USER" "$1"
  mkdir -p -- "$2"
  own_path "$PG_OS_USER" "$2"
}

# pg_cluster_start NAME DATADIR LOG CMD HINT: pg_ctl start as the server's OS user, waiting for it to accept
# connections; on failure says CMD failed, with HINT.
pg_cluster_start() {
  # shellcheck disable=SC2094  # pg_ctl appends to the log it is given; so do we
  as_user "$PG_OS_USER" setsid "$PG_BINDIR/pg_ctl" -D "$2" -l "$3" -w -t "$SERVICES_TIMEOUT" start \
    </dev/null >/dev/null 2>>"$3" 9>&- || fail "$1" "$4" "$3" "$5"
}

# pg_cluster_stop NAME DATADIR PIDFILE LOG PIDFN: a fast shutdown of the cluster whose pid PIDFN prints, if any.
pg_cluster_stop() {
  local name=$1 data=$2 pidfile=$3 log=$4 pidfn=$5 pid cmd
  if ! pid=$("$pidfn"); then
    rm -f -- "$pidfile"
    progress "$name" "not running" "ours; $data"
    return 0
  fi
  cmd="pg_ctl -D $data -m fast -w stop (as $PG_OS_USER)"
  as_user "$PG_OS_USER" "$PG_BINDIR/pg_ctl" -D "$data" -m fast -w -t 60 stop \
    </dev/null >/dev/null 2>>"$log" 9>&- || fail "$name" "$cmd" "$log" "kill -TERM $pid, or see the log"
  rm -f -- "$pidfile"
  progress "$name" stopped "pid $pid"
}

postgres_up() {
  local start pid cmd
  start=$(now)
  if postgres_healthy; then
    if pid=$(postgres_pid); then
      printf '%s\n' "$pid" >"$PG_PIDFILE"
      progress postgres ok "$PG_HOST:$PG_PORT, already running, pid $pid"
    else
      progress postgres ok "$PG_HOST:$PG_PORT, served by another server with trust auth; left alone"
    fi
    return 0
  fi
  cmd="pg_ctl -D $PG_DATA -l $PG_LOG -w start (as $PG_OS_USER)"
  if pid=$(postgres_pid); then
    wait_healthy postgres postgres_healthy "$SERVICES_TIMEOUT" "$pid" postgres "$PG_LOG" "$cmd" \
      "our postmaster (pid $pid) runs but does not answer; try 'services.sh down postgres' then up"
    printf '%s\n' "$pid" >"$PG_PIDFILE"
    progress postgres ok "$PG_HOST:$PG_PORT, was starting, pid $pid"
    return 0
  fi
  if port_open "$PG_PORT"; then
    fail postgres "pg_isready -h $PG_HOST -p $PG_PORT && psql -h $PG_HOST -U postgres -c 'select 1'" "" \
      "port $PG_PORT is taken by a server without trust login for user postgres $(port_owner "$PG_PORT"); stop it (e.g. pg_ctlcluster $PG_MAJOR main stop) and rerun"
  fi
  pg_prepare_dirs "$PG_LOG" "$PG_SOCKDIR"
  postgres_init
  postgres_write_conf
  pg_cluster_start postgres "$PG_DATA" "$PG_LOG" "$cmd" \
    "see the log; reset with 'services.sh down postgres && rm -rf $PG_DATA'"
  pid=$(postgres_pid) || fail postgres "$cmd" "$PG_LOG" "postmaster exited right after start; see the log"
  wait_healthy postgres postgres_healthy "$SERVICES_TIMEOUT" "$pid" postgres "$PG_LOG" "$cmd" "see the log"
  printf '%s\n' "$pid" >"$PG_PIDFILE"
  progress postgres ok "$PG_HOST:$PG_PORT, started pid $pid in $(elapsed "$start")"
}

postgres_down() { pg_cluster_stop postgres "$PG_DATA" "$PG_PIDFILE" "$PG_LOG" postgres_pid; }

postgres_status() {
  local state=down pid=- version=-
  if postgres_healthy; then
    state=up
    pid=$(postgres_pid) || pid=external
    version=$(PGCONNECT_TIMEOUT=3 "$PG_BINDIR/psql" -X -w -A -t -q -h "$PG_HOST" -p "$PG_PORT" -U postgres \
      -d postgres -c 'show server_version' 2>/dev/null | cut -d' ' -f1) || version=-
  elif pid=$(postgres_pid); then
    state=down
  else
    pid=-
  fi
  status_line postgres "$PG_HOST:$PG_PORT" "$state" "$pid" "${version:--}"
}
