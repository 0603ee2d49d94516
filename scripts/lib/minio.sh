# shellcheck shell=bash
# MinIO (S3) on 127.0.0.1:9000 (console 127.0.0.1:9001), root credentials
# minioadmin/minioadmin, data in $DATA_DIR/minio. Sourced.

MINIO_ADDR=127.0.0.1:$((9000 + PORT_OFFSET))
MINIO_CONSOLE_ADDR=127.0.0.1:$((9001 + PORT_OFFSET))
MINIO_DATA="$DATA_DIR/minio"
MINIO_LOG="$LOG_DIR/minio.log"
MINIO_PIDFILE="$RUN_DIR/minio.pid"

minio_packages() { command -v curl >/dev/null 2>&1 || printf '%s\n' curl; }

minio_healthy() { curl -fsS -m 3 -o /dev/null "http://$MINIO_ADDR/minio/health/live" 2>/dev/null; }

minio_up() {
  mkdir -p -- "$MINIO_DATA"
  daemon_up minio "$MINIO_ADDR" minio_healthy "$MINIO_PIDFILE" minio "$MINIO_LOG" "$SERVICES_TIMEOUT" \
    "see the log; reset with 'services.sh down minio && rm -rf $MINIO_DATA'" \
    env MINIO_ROOT_USER=minioadmin MINIO_ROOT_PASSWORD=minioadmin \
    "$BIN_DIR/minio" server "$MINIO_DATA" --address "$MINIO_ADDR" --console-address "$MINIO_CONSOLE_ADDR"
}

minio_down() { daemon_down minio "$MINIO_PIDFILE" minio; }

minio_status() {
  daemon_status minio "$MINIO_ADDR" minio_healthy "$MINIO_PIDFILE" minio "$MINIO_VERSION"
}
