# shellcheck shell=bash
# MariaDB (Debian package mariadb-server, 10.11) on 127.0.0.1:3306, root with
# an empty password, own datadir in $DATA_DIR/mariadb, mariadbd running as OS
# user mysql. Sourced.

MARIADB_HOST=127.0.0.1
MARIADB_PORT=$((3306 + PORT_OFFSET))
MARIADB_DATA="$DATA_DIR/mariadb"
MARIADB_LOG="$LOG_DIR/mariadb.log"
MARIADB_SOCKDIR="$RUN_DIR/mariadb"
MARIADB_SOCKET="$MARIADB_SOCKDIR/mariadb.sock"
MARIADB_PIDFILE="$RUN_DIR/mariadb.pid"
MARIADB_OWN_PIDFILE="$MARIADB_SOCKDIR/mariadbd.pid"
MARIADB_OS_USER=$(service_user mysql)
# --user only means something (and is only accepted quietly) when run as root.
MARIADB_USER_ARG=()
if [[ $IS_ROOT -eq 1 ]]; then MARIADB_USER_ARG=(--user="$MARIADB_OS_USER"); fi
# Marker: root@localhost and root@127.0.0.1 have been given empty passwords.
MARIADB_USERS_DONE="$MARIADB_DATA/.db-archiver-users"

mariadb_packages() {
  local cmd
  for cmd in mariadbd mariadb-install-db; do
    command -v "$cmd" >/dev/null 2>&1 || { printf '%s\n' mariadb-server; break; }
  done
  for cmd in mariadb mariadb-admin; do
    command -v "$cmd" >/dev/null 2>&1 || { printf '%s\n' mariadb-client; break; }
  done
}

mariadb_healthy() {
  command -v mariadb >/dev/null 2>&1 || return 1
  mariadb --no-defaults --protocol=tcp -h "$MARIADB_HOST" -P "$MARIADB_PORT" -uroot --connect-timeout=3 \
    -e 'select 1' >/dev/null 2>&1
}

mariadb_socket_ready() {
  mariadb-admin --no-defaults --socket="$MARIADB_SOCKET" -uroot --connect-timeout=3 ping >/dev/null 2>&1
}

mariadb_pid() {
  pidfile_pid "$MARIADB_PIDFILE" mariadbd || pidfile_pid "$MARIADB_OWN_PIDFILE" mariadbd
}

mariadb_after_install() {
  if just_installed mariadb-server; then disable_unit mariadb; fi
}

# mariadb_install_datadir NAME DATADIR LOG: a fresh datadir (mariadb-install-db); a half-made one is removed.
mariadb_install_datadir() {
  local name=$1 data=$2 log=$3 cmd
  rm -rf -- "$data"
  cmd="mariadb-install-db --no-defaults ${MARIADB_USER_ARG[*]} --datadir=$data --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve"
  printf '\n=== %s services.sh: %s\n' "$(date -Is)" "$cmd" >>"$log"
  mariadb-install-db --no-defaults "${MARIADB_USER_ARG[@]}" --datadir="$data" \
    --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
    >>"$log" 2>&1 </dev/null 9>&- || {
    rm -rf -- "$data"
    fail "$name" "$cmd" "$log" "fix the error above and rerun (the half-made datadir was removed)"
  }
}

mariadb_init() {
  [[ -d $MARIADB_DATA/mysql ]] && return 0
  mariadb_install_datadir mariadb "$MARIADB_DATA" "$MARIADB_LOG"
}

# mariadb_root_users_sql: makes root log in with an empty password over TCP from 127.0.0.1 (and over the
# socket). mariadb-install-db also makes root@<hostname>, which --skip-name-resolve ignores: it is dropped.
mariadb_root_users_sql() {
  local host
  host=$(hostname 2>/dev/null | tr -cd 'A-Za-z0-9.-') || true
  [[ -n $host && $host != localhost ]] || host=localhost.invalid
  cat <<SQL
DROP USER IF EXISTS 'root'@'$host';
ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED VIA mysql_native_password USING PASSWORD('');
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
}

# mariadb_fix_users: root logs in with an empty password over TCP from
# 127.0.0.1 (and over the socket); idempotent, done once per datadir.
mariadb_fix_users() {
  [[ -f $MARIADB_USERS_DONE ]] && return 0
  mariadb_root_users_sql | mariadb --no-defaults --socket="$MARIADB_SOCKET" -uroot >>"$MARIADB_LOG" 2>&1 ||
    fail mariadb "mariadb --socket=$MARIADB_SOCKET -uroot (ALTER USER root ...)" "$MARIADB_LOG" \
      "root cannot log in over the socket; reset: 'services.sh down mariadb && rm -rf $MARIADB_DATA'"
  date -Is >"$MARIADB_USERS_DONE"
}

mariadb_up() {
  local start pid cmd
  start=$(now)
  if mariadb_healthy; then
    if pid=$(mariadb_pid); then
      mariadb_fix_users
      progress mariadb ok "$MARIADB_HOST:$MARIADB_PORT, already running, pid $pid"
    else
      progress mariadb ok "$MARIADB_HOST:$MARIADB_PORT, served by another server (root, no password); left alone"
    fi
    return 0
  fi
  local args=(
    --no-defaults "${MARIADB_USER_ARG[@]}" --datadir="$MARIADB_DATA"
    --bind-address="$MARIADB_HOST" --port="$MARIADB_PORT"
    --socket="$MARIADB_SOCKET" --pid-file="$MARIADB_OWN_PIDFILE"
    --max-allowed-packet=256M --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
    --skip-name-resolve
    # A binary log for the replica (mariadb-replica); row-based, kept a day.
    --server-id=1 --log-bin=mariadb-bin --binlog-format=ROW --expire-logs-days=1
  )
  cmd="$(command -v mariadbd || echo mariadbd) $(quote "${args[@]}")"
  if pid=$(mariadb_pid); then
    wait_healthy mariadb mariadb_healthy "$SERVICES_TIMEOUT" "$pid" mariadbd "$MARIADB_LOG" "$cmd" \
      "our mariadbd (pid $pid) runs but does not answer; try 'services.sh down mariadb' then up"
    progress mariadb ok "$MARIADB_HOST:$MARIADB_PORT, was starting, pid $pid"
    return 0
  fi
  if port_open "$MARIADB_PORT"; then
    fail mariadb "mariadb -h $MARIADB_HOST -P $MARIADB_PORT -uroot -e 'select 1'" "" \
      "port $MARIADB_PORT is taken by a server where root needs a password $(port_owner "$MARIADB_PORT"); stop it (e.g. service mariadb stop) and rerun"
  fi
  ensure_reachable "$MARIADB_OS_USER" "$DB_ARCHIVER_HOME"
  mkdir -p -- "$MARIADB_SOCKDIR"
  own_path "$MARIADB_OS_USER" "$MARIADB_SOCKDIR"
  mariadb_init
  # mariadbd does not daemonize itself; it logs to stderr (our log file).
  spawn "$MARIADB_LOG" mariadbd "${args[@]}"
  pid=$SPAWNED_PID
  printf '%s\n' "$pid" >"$MARIADB_PIDFILE"
  wait_healthy mariadb mariadb_socket_ready "$SERVICES_TIMEOUT" "$pid" mariadbd "$MARIADB_LOG" "$cmd" "see the log"
  mariadb_fix_users
  wait_healthy mariadb mariadb_healthy "$SERVICES_TIMEOUT" "$pid" mariadbd "$MARIADB_LOG" "$cmd" \
    "root cannot log in over TCP; reset: 'services.sh down mariadb && rm -rf $MARIADB_DATA'"
  progress mariadb ok "$MARIADB_HOST:$MARIADB_PORT, started pid $pid in $(elapsed "$start")"
}

# mariadbd_stop NAME SOCKET PIDFILE LOG DATADIR PIDFN: shuts down the mariadbd whose pid PIDFN prints, if any.
mariadbd_stop() {
  local name=$1 socket=$2 pidfile=$3 log=$4 data=$5 pidfn=$6 pid cmd
  if ! pid=$("$pidfn"); then
    rm -f -- "$pidfile"
    progress "$name" "not running" "ours; $data"
    return 0
  fi
  cmd="mariadb-admin --socket=$socket -uroot shutdown"
  if ! mariadb-admin --no-defaults --socket="$socket" -uroot --connect-timeout=5 shutdown \
    >>"$log" 2>&1 </dev/null 9>&-; then
    say "$name ... '$cmd' failed; sending SIGTERM to $pid"
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if ! wait_pid_exit "$pid" mariadbd 60; then
    fail "$name" "$cmd" "$log" "mariadbd (pid $pid) did not exit within 60s; kill -KILL $pid"
  fi
  rm -f -- "$pidfile"
  progress "$name" stopped "pid $pid"
}

mariadb_down() {
  mariadbd_stop mariadb "$MARIADB_SOCKET" "$MARIADB_PIDFILE" "$MARIADB_LOG" "$MARIADB_DATA" mariadb_pid
}

mariadb_status() {
  local state=down pid=- version=-
  if mariadb_healthy; then
    state=up
    pid=$(mariadb_pid) || pid=external
    version=$(mariadb --no-defaults --protocol=tcp -h "$MARIADB_HOST" -P "$MARIADB_PORT" -uroot \
      --connect-timeout=3 -N -B -e 'select version()' 2>/dev/null) || version=-
  else
    pid=$(mariadb_pid) || pid=-
  fi
  status_line mariadb "$MARIADB_HOST:$MARIADB_PORT" "$state" "$pid" "${version:--}"
}
