#!/usr/bin/env bash
# Starts PostgreSQL, Kafka, Cassandra and Redis for this clone (idempotent), then creates
# the databases, topics and keyspace. Fails naming the component and its log.
source "$(dirname "$0")/lib.sh"
source "$INFRA_DIR/postgres.sh"
source "$INFRA_DIR/kafka.sh"
source "$INFRA_DIR/cassandra.sh"
source "$INFRA_DIR/redis.sh"

ensure_jvm_tools() {
  local missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || fail "missing ${missing[*]}; install them (needs root)"
  log "installing ${missing[*]} from Debian packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

started=$SECONDS
mkdir -p "$STATE_DIR"
ensure_jvm_tools
# The JVMs start first and warm up while PostgreSQL starts.
cassandra_start
kafka_start
postgres_start
redis_start
postgres_provision
kafka_wait 90
redis_wait 20
cassandra_wait 150
"$REPO_ROOT/deno" run --quiet --allow-net=127.0.0.1 --allow-env --allow-read \
  "$INFRA_DIR/provision.ts" || fail "creating Kafka topics or the Cassandra keyspace failed (logs: $KAFKA_LOG, $CASSANDRA_LOG)"
log "infrastructure ready in $(( SECONDS - started )) s"
