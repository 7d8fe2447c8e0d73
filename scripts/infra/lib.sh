# Shared by the infra scripts: paths, pinned versions and small helpers.
# shellcheck shell=bash
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INFRA_DIR="$REPO_ROOT/scripts/infra"
# Data, logs and pids of this clone's processes (git-ignored).
STATE_DIR="${CHAT_TS_STATE_DIR:-$REPO_ROOT/.infra}"
# Downloads shared by every clone on the machine.
CACHE_DIR="${CHAT_TS_CACHE:-$HOME/.cache/chat-ts}"

KAFKA_VERSION=3.9.1
CASSANDRA_VERSION=5.0.9
POSTGRES_MAJOR=15

POSTGRES_PORT=5432
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
CASSANDRA_PORT=9042
# REDIS_PORT: another port for trying the Redis part alone (tests/infra/redis_script_test.ts).
REDIS_PORT="${REDIS_PORT:-6379}"

# Heaps for a 2-core, 24 GiB machine that also runs Postgres and the services.
KAFKA_HEAP="${KAFKA_HEAP:-1g}"
CASSANDRA_HEAP="${CASSANDRA_HEAP:-1g}"

log() { printf '[infra] %s\n' "$*" >&2; }
fail() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive FILE: the pid recorded in FILE is a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# pid_status NAME PIDFILE PORT LOGFILE: the `infra:status` line of a component run by pid file.
pid_status() {
  if pid_alive "$2"; then printf '%-10s running  127.0.0.1:%s  pid %s  log %s\n' "$1" "$3" "$(cat "$2")" "$4"
  else printf '%-10s stopped\n' "$1"; fi
}

# wait_port NAME PORT PIDFILE DEADLINE_S LOGFILE
wait_port() {
  local name=$1 port=$2 pidfile=$3 deadline=$(( SECONDS + $4 )) logfile=$5
  until port_open "$port"; do
    if ! pid_alive "$pidfile"; then
      fail "$name exited during start-up; see $logfile"
    fi
    if (( SECONDS >= deadline )); then
      fail "$name did not open port $port within $4 s; see $logfile"
    fi
    sleep 0.5
  done
}

# stop_pid NAME PIDFILE: TERM the process we started, KILL it after 30 s.
stop_pid() {
  local name=$1 pidfile=$2
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return 0; fi
  local pid; pid=$(cat "$pidfile")
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30 s; killing"; kill -KILL "$pid" || true; fi
  rm -f "$pidfile"
}

# resolve_jars NAME POM VERSION_PROPERTY VERSION DEST: copies a runtime classpath from
# Maven Central (through ~/.m2) into DEST once.
resolve_jars() {
  local name=$1 pom=$2 property=$3 version=$4 dest=$5
  [ -f "$dest/.complete" ] && return 0
  command -v mvn >/dev/null || fail "Maven (mvn) is required to fetch $name"
  log "fetching $name $version from Maven Central into $dest"
  rm -rf "$dest" && mkdir -p "$dest"
  if ! mvn -q -B -f "$pom" "-D$property=$version" dependency:copy-dependencies \
      -DincludeScope=runtime "-DoutputDirectory=$dest" >"$dest.mvn.log" 2>&1; then
    fail "could not fetch $name $version; see $dest.mvn.log"
  fi
  touch "$dest/.complete"
}
