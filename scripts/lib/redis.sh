# shellcheck shell=bash
# Redis (Debian package redis-server, 7.0) on 127.0.0.1:6379, daemonized by
# redis-server itself with a pid file; data (RDB snapshots) in $DATA_DIR/redis.
# Sourced.

REDIS_HOST=127.0.0.1
REDIS_PORT=$((6379 + PORT_OFFSET))
REDIS_DATA="$DATA_DIR/redis"
REDIS_LOG="$LOG_DIR/redis.log"
REDIS_PIDFILE="$RUN_DIR/redis.pid"

redis_packages() {
  command -v redis-server >/dev/null 2>&1 || printf '%s\n' redis-server
  command -v redis-cli >/dev/null 2>&1 || printf '%s\n' redis-tools
}

redis_after_install() {
  if just_installed redis-server; then disable_unit redis-server; fi
}

redis_healthy() {
  command -v redis-cli >/dev/null 2>&1 || return 1
  [[ $(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

redis_up() {
  local start pid cmd args
  start=$(now)
  args=(--bind "$REDIS_HOST" --port "$REDIS_PORT" --protected-mode yes --daemonize yes
    --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --dir "$REDIS_DATA")
  cmd="redis-server $(quote "${args[@]}")"
  if redis_healthy; then
    if pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server); then
      progress redis ok "$REDIS_HOST:$REDIS_PORT, already running, pid $pid"
    else
      progress redis ok "$REDIS_HOST:$REDIS_PORT, served by a redis we did not start; left alone"
    fi
    return 0
  fi
  if pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server); then
    wait_healthy redis redis_healthy "$SERVICES_TIMEOUT" "$pid" redis-server "$REDIS_LOG" "$cmd" \
      "our redis (pid $pid) runs but does not answer PING; try 'services.sh down redis' then up"
    progress redis ok "$REDIS_HOST:$REDIS_PORT, was starting, pid $pid"
    return 0
  fi
  if port_open "$REDIS_PORT"; then
    fail redis "$cmd" "" "port $REDIS_PORT is taken by another process $(port_owner "$REDIS_PORT"); stop it (e.g. service redis-server stop) and rerun"
  fi
  mkdir -p -- "$REDIS_DATA"
  rm -f -- "$REDIS_PIDFILE"
  printf '\n=== %s services.sh: %s\n' "$(date -Is)" "$cmd" >>"$REDIS_LOG"
  redis-server "${args[@]}" </dev/null >>"$REDIS_LOG" 2>&1 9>&- ||
    fail redis "$cmd" "$REDIS_LOG" "see the log"
  wait_healthy redis redis_healthy "$SERVICES_TIMEOUT" "" redis-server "$REDIS_LOG" "$cmd" "see the log"
  pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server) || pid='?'
  progress redis ok "$REDIS_HOST:$REDIS_PORT, started pid $pid in $(elapsed "$start")"
}

redis_down() {
  local pid
  if ! pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server); then
    rm -f -- "$REDIS_PIDFILE"
    progress redis "not running" "ours"
    return 0
  fi
  # SHUTDOWN saves an RDB snapshot first; fall back to SIGTERM (also saves).
  if ! timeout 30 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" shutdown >/dev/null 2>&1 9>&-; then
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if ! wait_pid_exit "$pid" redis-server 30; then
    stop_pid redis "$pid" redis-server
  fi
  rm -f -- "$REDIS_PIDFILE"
  progress redis stopped "pid $pid"
}

redis_status() {
  local state=down pid version=-
  if redis_healthy; then
    state=up
    pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server) || pid=external
    version=$(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server 2>/dev/null |
      tr -d '\r' | sed -n 's/^redis_version://p')
  else
    pid=$(pidfile_pid "$REDIS_PIDFILE" redis-server) || pid=-
  fi
  status_line redis "$REDIS_HOST:$REDIS_PORT" "$state" "$pid" "${version:--}"
}
