# Apache Kafka (KRaft, one node acting as broker and controller) from Maven Central artifacts.
# shellcheck shell=bash
KAFKA_LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
KAFKA_DIR="$STATE_DIR/kafka"
KAFKA_PID="$KAFKA_DIR/pid"
KAFKA_LOG="$KAFKA_DIR/logs/server.log"

kafka_java() {
  java -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$INFRA_DIR/kafka/log4j.properties" \
    -Dkafka.logs.dir="$KAFKA_DIR/logs" "$@"
}

kafka_start() {
  if pid_alive "$KAFKA_PID"; then return 0; fi
  port_open "$KAFKA_PORT" && fail "port $KAFKA_PORT is in use by a process this clone did not start"
  resolve_jars Kafka "$INFRA_DIR/kafka/pom.xml" kafka.version "$KAFKA_VERSION" "$KAFKA_LIBS"
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  { cat "$INFRA_DIR/kafka/server.properties"; echo "log.dirs=$KAFKA_DIR/data"; } >"$KAFKA_DIR/server.properties"
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    log "formatting Kafka storage in $KAFKA_DIR/data"
    kafka_java -Xmx128m kafka.tools.StorageTool format --ignore-formatted \
      -t "$(head -c 16 /dev/urandom | base64 | tr "/+" "_-" | cut -c1-22)" \
      -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/logs/format.log" 2>&1 ||
      fail "Kafka storage format failed; see $KAFKA_DIR/logs/format.log"
  fi
  log "starting Kafka $KAFKA_VERSION (heap $KAFKA_HEAP)"
  # Half the heap is young generation: G1 otherwise shrinks it to chase its 20 ms pause goal on a
  # busy machine, and collects every 2-5 s under chat load, each pause stalling every request.
  setsid nohup java "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:NewRatio=1 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -cp "$KAFKA_LIBS/*" -Dlog4j.configuration="file:$INFRA_DIR/kafka/log4j.properties" \
    -Dkafka.logs.dir="$KAFKA_DIR/logs" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$KAFKA_DIR/logs/stdout.log" 2>&1 </dev/null &
  echo $! >"$KAFKA_PID"
}

kafka_wait() { wait_port Kafka "$KAFKA_PORT" "$KAFKA_PID" "${1:-90}" "$KAFKA_LOG"; }

kafka_stop() { stop_pid Kafka "$KAFKA_PID"; }

kafka_status() { pid_status kafka "$KAFKA_PID" "$KAFKA_PORT" "$KAFKA_LOG"; }
