# shellcheck shell=bash
# A MariaDB 10.11 replica of the `mariadb` service on 127.0.0.1:3307
# (+ DB_ARCHIVER_PORT_OFFSET), for the replica-lag checks of load protection
# (docs/load-protection.md): its own datadir in $DATA_DIR/mariadb-replica,
# server_id 2, replicating with GTID from the primary's binary log. Sourced.
#
# The replica starts empty, at the primary's GTID position of the moment it is
# made: databases created after that are replicated whole. Events for databases
# it never had (made before it) are skipped rather than stopping replication
# (--slave-skip-errors below), so old test databases cannot break it.

MR_PORT=$((3307 + PORT_OFFSET))
MR_DATA="$DATA_DIR/mariadb-replica"
MR_LOG="$LOG_DIR/mariadb-replica.log"
MR_SOCKDIR="$RUN_DIR/mariadb-replica"
MR_SOCKET="$MR_SOCKDIR/mariadb.sock"
MR_PIDFILE="$RUN_DIR/mariadb-replica.pid"
MR_OWN_PIDFILE="$MR_SOCKDIR/mariadbd.pid"
# Which primary datadir the replica follows (the primary's users marker, written once per datadir), and that
# replication is set up; a primary made anew gets a replica made anew.
MR_PRIMARY_MARK="$MR_DATA/.db-archiver-primary"
# Missing database or table, existing one, row not found or already there: what replaying the primary's events
# on a replica that lacks the databases made before it can meet.
MR_SKIP_ERRORS=1007,1008,1032,1049,1050,1051,1062,1146

mariadb_replica_packages() { mariadb_packages; }

mr_sql() {
  mariadb --no-defaults --protocol=tcp -h "$MARIADB_HOST" -P "$MR_PORT" -uroot --connect-timeout=3 -N -B -e "$1" 2>/dev/null
}

# A replica that answers and has replication configured (running or not: a stopped SQL thread is a test's doing).
mariadb_replica_healthy() {
  command -v mariadb >/dev/null 2>&1 || return 1
  [[ -n $(mr_sql 'SHOW SLAVE STATUS') ]]
}

mariadb_replica_answers() { [[ $(mr_sql 'select 1') == 1 ]]; }

mariadb_replica_socket_ready() {
  mariadb-admin --no-defaults --socket="$MR_SOCKET" -uroot --connect-timeout=3 ping >/dev/null 2>&1
}

mariadb_replica_pid() {
  pidfile_pid "$MR_PIDFILE" mariadbd || pidfile_pid "$MR_OWN_PIDFILE" mariadbd
}

# primary_sql SQL: one value from the primary.
primary_sql() {
  mariadb --no-defaults --protocol=tcp -h "$MARIADB_HOST" -P "$MARIADB_PORT" -uroot --connect-timeout=3 -N -B -e "$1" 2>/dev/null
}

mariadb_replica_init() {
  local mark
  mark=$(cat "$MARIADB_USERS_DONE" 2>/dev/null) || mark=unknown
  if [[ -d $MR_DATA/mysql ]]; then
    [[ $(cat "$MR_PRIMARY_MARK" 2>/dev/null) == "$mark" || ! -f $MR_PRIMARY_MARK ]] && return 0
    say "mariadb-replica ... the primary at :$MARIADB_PORT was made anew; making the replica anew"
  fi
  mariadb_install_datadir mariadb-replica "$MR_DATA" "$MR_LOG"
}

# mariadb_replica_setup: root logs in like on the primary; replication from the primary's current GTID
# position. Once per datadir (the mark file records it).
mariadb_replica_setup() {
  local pos mark
  [[ -f $MR_PRIMARY_MARK ]] && return 0
  mark=$(cat "$MARIADB_USERS_DONE" 2>/dev/null) || mark=unknown
  pos=$(primary_sql 'SELECT @@gtid_binlog_pos') || pos=
  {
    mariadb_root_users_sql
    cat <<SQL
STOP SLAVE;
SET GLOBAL gtid_slave_pos = '$pos';
CHANGE MASTER TO MASTER_HOST='$MARIADB_HOST', MASTER_PORT=$MARIADB_PORT, MASTER_USER='root', MASTER_PASSWORD='',
  MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos;
START SLAVE;
SQL
  } | mariadb --no-defaults --socket="$MR_SOCKET" -uroot >>"$MR_LOG" 2>&1 ||
    fail mariadb-replica "mariadb --socket=$MR_SOCKET -uroot (CHANGE MASTER TO ...)" "$MR_LOG" \
      "reset: 'services.sh down mariadb-replica && rm -rf $MR_DATA', then up"
  printf '%s\n' "$mark" >"$MR_PRIMARY_MARK"
}

mariadb_replica_up() {
  local start pid cmd
  start=$(now)
  if [[ $(primary_sql 'SELECT @@log_bin') != 1 ]]; then
    if ! mariadb_healthy; then
      fail mariadb-replica "mariadb -P $MARIADB_PORT -e 'select @@log_bin'" "" \
        "the primary is not up: 'bash scripts/services.sh up mariadb' first"
    fi
    # Not fatal: `up` must keep working for everyone using a primary started before replicas existed.
    progress mariadb-replica "SKIPPED" \
      "the MariaDB at :$MARIADB_PORT runs without a binary log (started by an older services.sh); restart it once: 'bash scripts/services.sh down mariadb-replica mariadb && bash scripts/services.sh up'"
    return 0
  fi
  # Ours, running, but following a primary since made anew: its GTID position means nothing there. It is
  # stopped here and made anew below.
  if mariadb_replica_healthy && mariadb_replica_pid >/dev/null && [[ -f $MR_PRIMARY_MARK && -f $MARIADB_USERS_DONE ]] &&
    [[ $(cat "$MR_PRIMARY_MARK") != "$(cat "$MARIADB_USERS_DONE")" ]]; then
    say "mariadb-replica ... the primary at :$MARIADB_PORT was made anew while the replica ran; stopping it to make it anew"
    mariadb_replica_down
  fi
  if mariadb_replica_healthy; then
    pid=$(mariadb_replica_pid) || pid=external
    progress mariadb-replica ok "$MARIADB_HOST:$MR_PORT, replica of :$MARIADB_PORT, already running, pid $pid"
    return 0
  fi
  local args=(
    --no-defaults "${MARIADB_USER_ARG[@]}" --datadir="$MR_DATA"
    --bind-address="$MARIADB_HOST" --port="$MR_PORT"
    --socket="$MR_SOCKET" --pid-file="$MR_OWN_PIDFILE"
    --max-allowed-packet=256M --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci
    --skip-name-resolve --server-id=2 --relay-log=mariadb-relay --slave-skip-errors="$MR_SKIP_ERRORS"
    --innodb-buffer-pool-size=64M
  )
  cmd="$(command -v mariadbd || echo mariadbd) $(quote "${args[@]}")"
  if pid=$(mariadb_replica_pid); then
    wait_healthy mariadb-replica mariadb_replica_answers "$SERVICES_TIMEOUT" "$pid" mariadbd "$MR_LOG" "$cmd" \
      "our replica (pid $pid) runs but does not answer; try 'services.sh down mariadb-replica' then up"
    mariadb_replica_setup
    progress mariadb-replica ok "$MARIADB_HOST:$MR_PORT, was starting, pid $pid"
    return 0
  fi
  if port_open "$MR_PORT"; then
    fail mariadb-replica "mariadb -h $MARIADB_HOST -P $MR_PORT -uroot -e 'SHOW SLAVE STATUS'" "" \
      "port $MR_PORT is taken by something that is not a replica with root and no password $(port_owner "$MR_PORT"); stop it and rerun"
  fi
  ensure_reachable "$MARIADB_OS_USER" "$DB_ARCHIVER_HOME"
  mkdir -p -- "$MR_SOCKDIR"
  own_path "$MARIADB_OS_USER" "$MR_SOCKDIR"
  mariadb_replica_init
  spawn "$MR_LOG" mariadbd "${args[@]}"
  pid=$SPAWNED_PID
  printf '%s\n' "$pid" >"$MR_PIDFILE"
  wait_healthy mariadb-replica mariadb_replica_socket_ready "$SERVICES_TIMEOUT" "$pid" mariadbd "$MR_LOG" "$cmd" "see the log"
  mariadb_replica_setup
  wait_healthy mariadb-replica mariadb_replica_healthy "$SERVICES_TIMEOUT" "$pid" mariadbd "$MR_LOG" "$cmd" \
    "root cannot log in over TCP or replication is not set up; reset: 'services.sh down mariadb-replica && rm -rf $MR_DATA'"
  progress mariadb-replica ok "$MARIADB_HOST:$MR_PORT, replica of :$MARIADB_PORT, started pid $pid in $(elapsed "$start")"
}

mariadb_replica_down() {
  mariadbd_stop mariadb-replica "$MR_SOCKET" "$MR_PIDFILE" "$MR_LOG" "$MR_DATA" mariadb_replica_pid
}

mariadb_replica_status() {
  local state=down pid=- version=- threads
  if mariadb_replica_healthy; then
    state=up
    pid=$(mariadb_replica_pid) || pid=external
    version=$(mr_sql 'select version()') || version=-
    threads=$(mariadb --no-defaults --protocol=tcp -h "$MARIADB_HOST" -P "$MR_PORT" -uroot --connect-timeout=3 \
      -e 'SHOW SLAVE STATUS\G' 2>/dev/null |
      awk -F': ' '/Slave_IO_Running:|Slave_SQL_Running:|Seconds_Behind_Master:/ { gsub(/ /, "", $1); printf "%s%s=%s", sep, $1, $2; sep=", " }')
    version="${version:--}, replica of :$MARIADB_PORT (${threads:-no status})"
  else
    pid=$(mariadb_replica_pid) || pid=-
    if [[ $(primary_sql 'SELECT @@log_bin') == 0 ]]; then
      version="- (the primary runs without a binary log; restart it: services.sh down mariadb-replica mariadb && services.sh up)"
    fi
  fi
  status_line mariadb-replica "$MARIADB_HOST:$MR_PORT" "$state" "$pid" "$version"
}
