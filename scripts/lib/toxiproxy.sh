# shellcheck shell=bash
# toxiproxy API on 127.0.0.1:8474 (proxies are created by the tests). Sourced.

TOXIPROXY_ADDR=127.0.0.1:$((8474 + PORT_OFFSET))
TOXIPROXY_LOG="$LOG_DIR/toxiproxy.log"
TOXIPROXY_PIDFILE="$RUN_DIR/toxiproxy.pid"

toxiproxy_packages() { command -v curl >/dev/null 2>&1 || printf '%s\n' curl; }

toxiproxy_healthy() { curl -fsS -m 3 -o /dev/null "http://$TOXIPROXY_ADDR/version" 2>/dev/null; }

toxiproxy_up() {
  daemon_up toxiproxy "$TOXIPROXY_ADDR" toxiproxy_healthy "$TOXIPROXY_PIDFILE" toxiproxy-server \
    "$TOXIPROXY_LOG" "$SERVICES_TIMEOUT" "see the log" \
    "$BIN_DIR/toxiproxy-server" -host "${TOXIPROXY_ADDR%:*}" -port "${TOXIPROXY_ADDR##*:}"
}

toxiproxy_down() { daemon_down toxiproxy "$TOXIPROXY_PIDFILE" toxiproxy-server; }

toxiproxy_status() {
  local version
  version=$(curl -fsS -m 3 "http://$TOXIPROXY_ADDR/version" 2>/dev/null |
    sed -n 's/.*"version": *"\([^"]*\)".*/\1/p') || true
  daemon_status toxiproxy "$TOXIPROXY_ADDR" toxiproxy_healthy "$TOXIPROXY_PIDFILE" toxiproxy-server \
    "${version:-$TOXIPROXY_VERSION}"
}
