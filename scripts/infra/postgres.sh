# PostgreSQL 15 from Debian packages, run as the postgres user from this clone's .infra folder.
# shellcheck shell=bash
PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
PG_DIR="$STATE_DIR/postgres"

# Follows .infra/postgres when it links outside the clone (see postgres_make_dir).
postgres_paths() {
  [ -L "$PG_DIR" ] && PG_DIR="$(readlink -f "$PG_DIR")"
  PG_DATA="$PG_DIR/data"
  PG_LOG="$PG_DIR/postgres.log"
}
postgres_paths

postgres_install() {
  [ -x "$PG_BIN/postgres" ] && return 0
  [ "$(id -u)" = 0 ] || fail "PostgreSQL $POSTGRES_MAJOR is missing; install postgresql-$POSTGRES_MAJOR (needs root)"
  log "installing postgresql-$POSTGRES_MAJOR from Debian packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$POSTGRES_MAJOR" >/dev/null
  # Debian creates and may start a "main" cluster on 5432; this clone runs its own.
  pg_ctlcluster "$POSTGRES_MAJOR" main stop >/dev/null 2>&1 || true
}

# Runs a command as the postgres user: initdb and postgres refuse to run as root.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The postgres user must reach the data folder; when the clone lives under a
# private home, the data goes to /var/lib/chat-ts and .infra/postgres links to it.
postgres_make_dir() {
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] || return 0
  chown postgres:postgres "$PG_DIR"
  if ! runuser -u postgres -- test -w "$PG_DIR"; then
    local outside
    outside="/var/lib/chat-ts/$(printf '%s' "$REPO_ROOT" | md5sum | cut -c1-12)/postgres"
    log "postgres cannot reach $PG_DIR; keeping its data in $outside"
    rmdir "$PG_DIR" && mkdir -p "$outside" && chown postgres:postgres "$outside"
    ln -s "$outside" "$PG_DIR"
    postgres_paths
  fi
}

postgres_running() { as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

postgres_start() {
  postgres_install
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising a PostgreSQL cluster in $PG_DATA"
    postgres_make_dir
    as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
      fail "initdb failed; see $PG_DIR/initdb.log"
    # A disposable development cluster: durability traded for speed (compose keeps the defaults).
    cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $POSTGRES_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 300
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  if postgres_running; then return 0; fi
  port_open "$POSTGRES_PORT" && fail "port $POSTGRES_PORT is in use by a process this clone did not start"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null ||
    fail "PostgreSQL did not start; see $PG_LOG"
}

# Role and databases of DESIGN §6, created idempotently.
postgres_provision() {
  local psql=("$PG_BIN/psql" -h "$PG_DIR" -p "$POSTGRES_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  as_postgres "${psql[@]}" -d postgres -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chat') THEN
        CREATE ROLE chat LOGIN PASSWORD 'chat' CREATEDB;
      END IF; END \$\$;" >/dev/null
  for db in users chat presence; do
    if [ -z "$(as_postgres "${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      as_postgres "${psql[@]}" -d postgres -c "CREATE DATABASE $db OWNER chat" >/dev/null
    fi
  done
}

postgres_stop() {
  [ -f "$PG_DATA/postmaster.pid" ] || return 0
  if postgres_running; then
    log "stopping PostgreSQL"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
  fi
}

postgres_status() {
  if postgres_running; then echo "postgres   running  127.0.0.1:$POSTGRES_PORT  pid $(head -1 "$PG_DATA/postmaster.pid")  log $PG_LOG"
  else echo "postgres   stopped"; fi
}
