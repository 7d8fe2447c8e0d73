# Redis from Debian's redis-server package, run from this clone's .infra folder (no systemd unit).
# shellcheck shell=bash
REDIS_DIR="$STATE_DIR/redis"
REDIS_PID="$REDIS_DIR/pid"
REDIS_LOG="$REDIS_DIR/redis.log"

redis_install() {
  command -v redis-server >/dev/null && return 0
  [ "$(id -u)" = 0 ] || fail "redis-server is missing; install Debian's redis-server (needs root)"
  log "installing redis-server from Debian packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  # The package may start its own server on 6379 as a service; this clone runs its own.
  if command -v systemctl >/dev/null; then systemctl stop redis-server >/dev/null 2>&1 || true; fi
  service redis-server stop >/dev/null 2>&1 || true
}

redis_start() {
  redis_install
  if pid_alive "$REDIS_PID"; then return 0; fi
  port_open "$REDIS_PORT" && fail "port $REDIS_PORT is in use by a process this clone did not start"
  mkdir -p "$REDIS_DIR/data"
  log "starting Redis $(redis-server --version | sed -E 's/.* v=([^ ]+).*/\1/') on 127.0.0.1:$REDIS_PORT"
  # Live presence only: it rebuilds itself from heartbeats, so no snapshots or AOF are needed.
  setsid nohup redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR/data" \
    --save "" --appendonly no --logfile "$REDIS_LOG" --daemonize no --protected-mode yes \
    >"$REDIS_DIR/stdout.log" 2>&1 </dev/null &
  echo $! >"$REDIS_PID"
}

redis_wait() { wait_port Redis "$REDIS_PORT" "$REDIS_PID" "${1:-20}" "$REDIS_LOG"; }

redis_stop() { stop_pid Redis "$REDIS_PID"; }

redis_status() { pid_status redis "$REDIS_PID" "$REDIS_PORT" "$REDIS_LOG"; }
