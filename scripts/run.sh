#!/usr/bin/env bash
# Runs chat-ts against the local infrastructure: starts PostgreSQL, Kafka and
# Cassandra when needed, applies migrations, then runs every service that has
# a main.ts (the gateway on :8080 in front of the others) in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/infra/up.sh
./deno task migrate >/dev/null

export JWT_SECRET="${JWT_SECRET:-$(cat .infra/jwt-secret 2>/dev/null || true)}"
if [ -z "$JWT_SECRET" ]; then
  # A per-clone development secret, generated once and kept with the local data.
  JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '/+=' | cut -c1-48)
  echo "$JWT_SECRET" >.infra/jwt-secret
fi

pids=()
for dir in services/*/; do
  [ -f "$dir/main.ts" ] || continue
  echo "[run] starting ${dir%/}" >&2
  (cd "$dir" && exec ../../deno task start) &
  pids+=($!)
done
[ ${#pids[@]} -gt 0 ] || { echo "[run] no service has a main.ts yet" >&2; exit 1; }
[ -f web/dist/app.js ] || echo "[run] the web client is not built: cd web && ../deno task build" >&2
echo "[run] chat-ts on http://localhost:8080/ (the gateway)" >&2
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM
wait
