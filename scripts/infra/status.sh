#!/usr/bin/env bash
# One line per component: running or stopped, address, pid and log. Exit 1 if any is stopped.
source "$(dirname "$0")/lib.sh"
source "$INFRA_DIR/postgres.sh"
source "$INFRA_DIR/kafka.sh"
source "$INFRA_DIR/cassandra.sh"
source "$INFRA_DIR/redis.sh"

out="$(postgres_status; kafka_status; cassandra_status; redis_status)"
echo "$out"
! grep -q stopped <<<"$out"
