# Apache Cassandra 5.0 on Java 17 from Maven Central artifacts.
# shellcheck shell=bash
CASSANDRA_LIBS="$CACHE_DIR/cassandra-$CASSANDRA_VERSION/libs"
CASSANDRA_DIR="$STATE_DIR/cassandra"
CASSANDRA_PID="$CASSANDRA_DIR/pid"
CASSANDRA_LOG="$CASSANDRA_DIR/logs/system.log"

cassandra_start() {
  if pid_alive "$CASSANDRA_PID"; then return 0; fi
  port_open "$CASSANDRA_PORT" && fail "port $CASSANDRA_PORT is in use by a process this clone did not start"
  resolve_jars Cassandra "$INFRA_DIR/cassandra/pom.xml" cassandra.version "$CASSANDRA_VERSION" "$CASSANDRA_LIBS"
  mkdir -p "$CASSANDRA_DIR/logs"
  log "starting Cassandra $CASSANDRA_VERSION (heap $CASSANDRA_HEAP)"
  local jvm_options
  # The Java 17 module flags Cassandra's own jvm17-server.options sets.
  mapfile -t jvm_options < <(grep -E '^-' "$INFRA_DIR/cassandra/jvm17.options")
  setsid nohup java "-Xms$CASSANDRA_HEAP" "-Xmx$CASSANDRA_HEAP" -Xss256k -XX:+ExitOnOutOfMemoryError \
    "${jvm_options[@]}" \
    -Dcassandra.config="file://$INFRA_DIR/cassandra/cassandra.yaml" \
    -Dcassandra.storagedir="$CASSANDRA_DIR" \
    -Dcassandra.logdir="$CASSANDRA_DIR/logs" \
    -Dlogback.configurationFile="$INFRA_DIR/cassandra/logback.xml" \
    -Dcassandra-foreground=yes \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 \
    -Dcassandra.jmx.local.port=7199 \
    -cp "$CASSANDRA_LIBS/*" org.apache.cassandra.service.CassandraDaemon \
    >"$CASSANDRA_DIR/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$CASSANDRA_PID"
}

cassandra_wait() { wait_port Cassandra "$CASSANDRA_PORT" "$CASSANDRA_PID" "${1:-120}" "$CASSANDRA_LOG"; }

cassandra_stop() { stop_pid Cassandra "$CASSANDRA_PID"; }

cassandra_status() { pid_status cassandra "$CASSANDRA_PID" "$CASSANDRA_PORT" "$CASSANDRA_LOG"; }
