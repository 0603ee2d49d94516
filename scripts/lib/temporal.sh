# shellcheck shell=bash
# Temporal CLI dev server: gRPC 127.0.0.1:7233, Web UI 127.0.0.1:8233,
# SQLite state in $DATA_DIR/temporal/dev.sqlite. Sourced.

TEMPORAL_ADDR=127.0.0.1:$((7233 + PORT_OFFSET))
TEMPORAL_UI_ADDR=127.0.0.1:$((8233 + PORT_OFFSET))
TEMPORAL_DATA="$DATA_DIR/temporal"
TEMPORAL_LOG="$LOG_DIR/temporal.log"
TEMPORAL_PIDFILE="$RUN_DIR/temporal.pid"

temporal_packages() { command -v curl >/dev/null 2>&1 || printf '%s\n' curl; }

temporal_healthy() {
  [[ -x $BIN_DIR/temporal ]] || return 1
  timeout 10 "$BIN_DIR/temporal" operator cluster health --address "$TEMPORAL_ADDR" \
    --command-timeout 5s --disable-config-file --disable-config-env 2>/dev/null | grep -q SERVING &&
    curl -fsS -m 3 -o /dev/null "http://$TEMPORAL_UI_ADDR/" 2>/dev/null
}

temporal_up() {
  mkdir -p -- "$TEMPORAL_DATA"
  daemon_up temporal "$TEMPORAL_ADDR" temporal_healthy "$TEMPORAL_PIDFILE" temporal "$TEMPORAL_LOG" \
    "$((SERVICES_TIMEOUT * 2))" \
    "see the log; reset with 'services.sh down temporal && rm -rf $TEMPORAL_DATA'" \
    "$BIN_DIR/temporal" server start-dev --ip 127.0.0.1 --port "${TEMPORAL_ADDR##*:}" \
    --ui-port "${TEMPORAL_UI_ADDR##*:}" --namespace default \
    --db-filename "$TEMPORAL_DATA/dev.sqlite" --log-level warn \
    --search-attribute ArchiverDatabase=Keyword --search-attribute ArchiverTable=Keyword \
    --dynamic-config-value frontend.enableUpdateWorkflowExecution=true \
    --dynamic-config-value frontend.enableUpdateWorkflowExecutionAsyncAccepted=true
}

temporal_down() { daemon_down temporal "$TEMPORAL_PIDFILE" temporal; }

temporal_status() {
  daemon_status temporal "$TEMPORAL_ADDR" temporal_healthy "$TEMPORAL_PIDFILE" temporal \
    "cli $TEMPORAL_CLI_VERSION, ui $TEMPORAL_UI_ADDR"
}
