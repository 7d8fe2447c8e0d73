#!/usr/bin/env bash
# Stops the processes this clone started (by pid); data stays in .infra/.
source "$(dirname "$0")/lib.sh"
source "$INFRA_DIR/postgres.sh"
source "$INFRA_DIR/kafka.sh"
source "$INFRA_DIR/cassandra.sh"
source "$INFRA_DIR/redis.sh"

kafka_stop
cassandra_stop
postgres_stop
redis_stop
log "stopped"
