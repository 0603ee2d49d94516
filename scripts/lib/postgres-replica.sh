# shellcheck shell=bash disable=SC2153  # PG_* come from postgres.sh
# A PostgreSQL 15 streaming standby of the `postgres` service on 127.0.0.1:5433
# (+ DB_ARCHIVER_PORT_OFFSET), for the replica-lag checks of load protection
# (docs/load-protection.md). Made once with pg_basebackup -R from the primary
# into $DATA_DIR/postgres-replica, then started like the primary. Sourced.

PGR_PORT=$((5433 + PORT_OFFSET))
PGR_DATA="$DATA_DIR/postgres-replica"
PGR_LOG="$LOG_DIR/postgres-replica.log"
PGR_SOCKDIR="$RUN_DIR/postgres-replica"
PGR_PIDFILE="$RUN_DIR/postgres-replica.pid"
# The primary's system identifier at the time of the base backup: a primary made anew (its data directory
# deleted) has another one, and the standby is then made anew too. It holds no data of its own.
PGR_PRIMARY_ID="$PGR_DATA/.db-archiver-primary-id"

postgres_replica_packages() { postgres_packages; }

# pgr_sql SQL: one value from the standby.
pgr_sql() {
  PGCONNECT_TIMEOUT=3 "$PG_BINDIR/psql" -X -w -A -t -q -h "$PG_HOST" -p "$PGR_PORT" -U postgres -d postgres -c "$1" 2>/dev/null
}

postgres_replica_healthy() {
  [[ -x $PG_BINDIR/psql ]] || return 1
  [[ $(pgr_sql 'select pg_is_in_recovery()') == t ]]
}

postgres_replica_pid() { pidfile_pid "$PGR_DATA/postmaster.pid" postgres; }

# primary_system_id: the running primary's system identifier.
primary_system_id() {
  PGCONNECT_TIMEOUT=3 "$PG_BINDIR/psql" -X -w -A -t -q -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres \
    -c 'select system_identifier from pg_control_system()' 2>/dev/null
}

postgres_replica_init() {
  local tmp="$PGR_DATA.init" cmd id
  id=$(primary_system_id) ||
    fail postgres-replica "psql -p $PG_PORT -c 'select system_identifier from pg_control_system()'" "" \
      "the primary is not up: 'bash scripts/services.sh up postgres' first"
  if [[ -f $PGR_DATA/PG_VERSION ]]; then
    [[ $(cat "$PGR_PRIMARY_ID" 2>/dev/null) == "$id" ]] && return 0
    say "postgres-replica ... the primary at :$PG_PORT was made anew; making the standby anew from it"
    rm -rf -- "$PGR_DATA"
  fi
  rm -rf -- "$tmp"
  mkdir -p -- "$tmp"
  own_path "$PG_OS_USER" "$tmp"
  chmod 700 "$tmp"
  # -R writes standby.signal and primary_conninfo; -X stream brings the WAL the copy needs to be consistent.
  cmd="pg_basebackup -h $PG_HOST -p $PG_PORT -U postgres -D $tmp -X stream -R --checkpoint=fast"
  progress postgres-replica "copying the primary" "$cmd; $(du -sh "$PG_DATA" 2>/dev/null | cut -f1) to copy"
  printf '\n=== %s services.sh: %s\n' "$(date -Is)" "$cmd" >>"$PGR_LOG"
  as_user "$PG_OS_USER" "$PG_BINDIR/pg_basebackup" -h "$PG_HOST" -p "$PG_PORT" -U postgres -D "$tmp" \
    -X stream -R --checkpoint=fast >>"$PGR_LOG" 2>&1 </dev/null 9>&- ||
    fail postgres-replica "$cmd (as $PG_OS_USER)" "$PGR_LOG" "fix the error above, then rerun (a half-made $tmp is recreated)"
  # The copy has the primary's pid file name and settings file; this server gets its own.
  rm -f -- "$tmp/postmaster.pid" "$tmp/db-archiver.conf"
  printf '%s\n' "$id" >"$tmp/.db-archiver-primary-id"
  mv -- "$tmp" "$PGR_DATA"
}

postgres_replica_write_conf() {
  cat >"$PGR_DATA/db-archiver.conf" <<EOF
# Written by scripts/services.sh on every start: a hot standby of 127.0.0.1:$PG_PORT.
listen_addresses = '$PG_HOST'
port = $PGR_PORT
max_connections = 200
unix_socket_directories = '$PGR_SOCKDIR'
hot_standby = on
EOF
  own_path "$PG_OS_USER" "$PGR_DATA/db-archiver.conf"
}

postgres_replica_up() {
  local start pid cmd id
  start=$(now)
  # Ours, running, but copied from a primary since made anew (its data directory deleted): it would never
  # stream again. It is stopped here and made anew below.
  if postgres_replica_healthy && postgres_replica_pid >/dev/null && [[ -f $PGR_PRIMARY_ID ]] &&
    id=$(primary_system_id) && [[ -n $id && $(cat "$PGR_PRIMARY_ID") != "$id" ]]; then
    say "postgres-replica ... the primary at :$PG_PORT was made anew while the standby ran; stopping it to make it anew"
    postgres_replica_down
  fi
  if postgres_replica_healthy; then
    pid=$(postgres_replica_pid) || pid=external
    [[ $pid != external ]] && printf '%s\n' "$pid" >"$PGR_PIDFILE"
    progress postgres-replica ok "$PG_HOST:$PGR_PORT, standby of :$PG_PORT, already running, pid $pid"
    return 0
  fi
  cmd="pg_ctl -D $PGR_DATA -l $PGR_LOG -w start (as $PG_OS_USER)"
  if port_open "$PGR_PORT" && ! postgres_replica_pid >/dev/null; then
    fail postgres-replica "psql -h $PG_HOST -p $PGR_PORT -U postgres -c 'select pg_is_in_recovery()'" "" \
      "port $PGR_PORT is taken by something that is not a standby with trust login $(port_owner "$PGR_PORT"); stop it and rerun"
  fi
  if pid=$(postgres_replica_pid); then
    wait_healthy postgres-replica postgres_replica_healthy "$SERVICES_TIMEOUT" "$pid" postgres "$PGR_LOG" "$cmd" \
      "the standby (pid $pid) runs but does not answer as a standby; try 'services.sh down postgres-replica' then up"
    printf '%s\n' "$pid" >"$PGR_PIDFILE"
    progress postgres-replica ok "$PG_HOST:$PGR_PORT, was starting, pid $pid"
    return 0
  fi
  pg_prepare_dirs "$PGR_LOG" "$PGR_SOCKDIR"
  postgres_replica_init
  postgres_replica_write_conf
  pg_cluster_start postgres-replica "$PGR_DATA" "$PGR_LOG" "$cmd" \
    "see the log; if the standby cannot catch up with the primary ('requested WAL segment … has already been removed'), make it anew: 'services.sh down postgres-replica && rm -rf $PGR_DATA && services.sh up postgres-replica'"
  pid=$(postgres_replica_pid) || fail postgres-replica "$cmd" "$PGR_LOG" "the standby exited right after start; see the log"
  wait_healthy postgres-replica postgres_replica_healthy "$SERVICES_TIMEOUT" "$pid" postgres "$PGR_LOG" "$cmd" "see the log"
  printf '%s\n' "$pid" >"$PGR_PIDFILE"
  progress postgres-replica ok "$PG_HOST:$PGR_PORT, standby of :$PG_PORT, started pid $pid in $(elapsed "$start")"
}

postgres_replica_down() {
  pg_cluster_stop postgres-replica "$PGR_DATA" "$PGR_PIDFILE" "$PGR_LOG" postgres_replica_pid
}

postgres_replica_status() {
  local state=down pid=- version=- receiver
  if postgres_replica_healthy; then
    state=up
    pid=$(postgres_replica_pid) || pid=external
    version=$(pgr_sql 'show server_version' | cut -d' ' -f1) || version=-
    receiver=$(pgr_sql 'select status from pg_stat_wal_receiver') || receiver=
    version="${version:--}, standby of :$PG_PORT (${receiver:-not streaming})"
  elif pid=$(postgres_replica_pid); then
    state=down
  else
    pid=-
  fi
  status_line postgres-replica "$PG_HOST:$PGR_PORT" "$state" "$pid" "$version"
}
