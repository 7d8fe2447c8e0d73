#!/usr/bin/env bash
# Benchmark of user-service against local Postgres (./deno task infra:up; ./deno task migrate):
#   GET /api/users/{id}  at 50 concurrent connections (target ≥ 5000 req/s, p99 < 10 ms)
#   POST /api/users/login at 20 concurrent connections (Argon2id-bound; target p99 < 150 ms)
# One service process, started here from the real deno binary (so its pid and CPU time are known)
# with exactly the permissions of `deno task start`. Usage: bench/user_service.sh [seconds]
set -euo pipefail
trap 'echo "bench: failed at line $LINENO" >&2' ERR

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICE_DIR="$ROOT/services/user-service"
DURATION="${1:-${BENCH_SECONDS:-15}}"
USERS="${BENCH_USERS:-200}"
GET_CONNECTIONS=50
LOGIN_CONNECTIONS=20
WORK="$(mktemp -d)"

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; })
fi

"$ROOT/deno" --version >/dev/null # installs the pinned Deno on first use
DENO_VERSION="$(grep -m1 "^DENO_VERSION=" "$ROOT/deno" | cut -d= -f2)"
DENO="${DENO_BIN:-${CHAT_TS_CACHE:-$HOME/.cache/chat-ts}/deno-$DENO_VERSION/node_modules/@deno/linux-x64-glibc/deno}"
[[ -x "$DENO" ]] || DENO="$(command -v deno)"

free_port() {
  "$DENO" eval --quiet 'const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    console.log((l.addr as Deno.NetAddr).port); l.close();'
}
HTTP_PORT="$(free_port)"
GRPC_PORT="$(free_port)"
BASE="http://127.0.0.1:$HTTP_PORT"

# The flags of `deno task start`, verbatim, so the benchmark runs what production runs.
mapfile -t START_ARGS < <(cd "$SERVICE_DIR" && "$DENO" eval --quiet '
  const task = JSON.parse(Deno.readTextFileSync("deno.json")).tasks.start;
  for (const arg of task.split(/\s+/).slice(1)) console.log(arg);')

SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  [[ -n "${BENCH_KEEP:-}" ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

(
  cd "$SERVICE_DIR"
  HTTP_HOST=127.0.0.1 GRPC_HOST=127.0.0.1 HTTP_PORT="$HTTP_PORT" GRPC_PORT="$GRPC_PORT" \
    JWT_SECRET="${JWT_SECRET:-bench-secret-for-chat-ts-user-service-0123}" LOG_LEVEL=warn \
    DATABASE_POOL_SIZE="${DATABASE_POOL_SIZE:-10}" \
    exec "$DENO" "${START_ARGS[@]}"
) >"$WORK/service.log" 2>&1 &
SERVER_PID=$!

for _ in $(seq 300); do
  curl -fs "$BASE/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
  sleep 0.1
done
curl -fs "$BASE/health/ready" >/dev/null || { echo "user-service not ready" >&2; cat "$WORK/service.log" >&2; exit 1; }

# Seed users with random names (other test runs share the database).
RUN="b$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PASSWORD="bench-password-123"
: >"$WORK/ids"
seed() {
  local id
  id="$(curl -s -X POST "$BASE/api/users" -H 'Content-Type: application/json' \
    -d "{\"username\":\"${RUN}_$1\",\"email_address\":\"${RUN}_$1@bench.example\",\"password\":\"$PASSWORD\"}" \
    | sed -E 's/.*"id":"([^"]+)".*/\1/')"
  printf '%s\n' "$id" # one write per line: ten seeders share the file
}
export -f seed
export BASE RUN PASSWORD
seq "$USERS" | xargs -P 10 -I{} bash -c 'seed {}' >>"$WORK/ids"
TOKEN="$(curl -fs -X POST "$BASE/api/users/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"${RUN}_1\",\"password\":\"$PASSWORD\"}" | sed -E 's/.*"token":"([^"]+)".*/\1/')"
grep -vE '^[0-9a-f-]{36}$' "$WORK/ids" | grep . | head -3 | sed "s/^/seed failed: /" >&2 || true
grep -E '^[0-9a-f-]{36}$' "$WORK/ids" >"$WORK/ids.ok" || true; mv "$WORK/ids.ok" "$WORK/ids"
SEEDED="$(grep -c . "$WORK/ids")"

{
  echo "local ids = {"
  sed 's/.*/  "&",/' "$WORK/ids"
  echo "}"
  cat <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/users/" .. ids[(n % #ids) + 1], { ["Authorization"] = "Bearer $TOKEN" })
end
LUA
} >"$WORK/get.lua"

cat >"$WORK/login.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = '{"username":"${RUN}_' .. ((n % $SEEDED) + 1) .. '","password":"$PASSWORD"}'
  return wrk.format("POST", "/api/users/login", { ["Content-Type"] = "application/json" }, body)
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICKS="$(getconf CLK_TCK)"

# Runs wrk and prints "rps p50 p99 cores non2xx" (latencies in ms, cores = service CPU / wall time).
measure() {
  local connections="$1" script="$2" out="$WORK/wrk.out"
  local before after
  before="$(cpu_ticks)"
  wrk -t1 -c"$connections" -d"${DURATION}s" --latency --timeout 5s -s "$script" "$BASE" >"$out"
  after="$(cpu_ticks)"
  awk -v cpu="$(( after - before ))" -v hz="$TICKS" -v secs="$DURATION" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v
    }
    $1 == "Requests/sec:" { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad = $NF }
    END { printf "%.0f %.2f %.2f %.2f %d\n", rps, p50, p99, cpu / hz / secs, bad + 0 }' "$out"
  grep -E "Socket errors" "$out" >&2 || true
}

# Warm-up (JIT, connection pool, Argon2 threads).
wrk -t1 -c"$GET_CONNECTIONS" -d3s -s "$WORK/get.lua" "$BASE" >/dev/null
wrk -t1 -c"$LOGIN_CONNECTIONS" -d2s -s "$WORK/login.lua" "$BASE" >/dev/null

read -r GET_RPS GET_P50 GET_P99 GET_CORES GET_BAD < <(measure "$GET_CONNECTIONS" "$WORK/get.lua")
read -r LOGIN_RPS LOGIN_P50 LOGIN_P99 LOGIN_CORES LOGIN_BAD < <(measure "$LOGIN_CONNECTIONS" "$WORK/login.lua")
LOGIN_PER_CORE="$(awk -v r="$LOGIN_RPS" -v c="$LOGIN_CORES" 'BEGIN { printf "%.0f", (c > 0 ? r / c : 0) }')"

verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "MISSED") }'; }
GET_OK="$(awk -v r="$GET_RPS" -v p="$GET_P99" 'BEGIN { print (r >= 5000 && p < 10) ? 1 : 0 }')"
LOGIN_OK="$(awk -v p="$LOGIN_P99" 'BEGIN { print (p < 150) ? 1 : 0 }')"

echo "user-service benchmark: one process, $(nproc) cores, ${DURATION}s per run, $SEEDED seeded users"
printf 'GET /api/users/{id}  c=%-3s %7s req/s  p50 %6s ms  p99 %6s ms  service CPU %s cores  non-2xx %s  (target ≥5000 req/s, p99 <10 ms: %s)\n' \
  "$GET_CONNECTIONS" "$GET_RPS" "$GET_P50" "$GET_P99" "$GET_CORES" "$GET_BAD" "$(verdict "$GET_OK")"
printf 'POST /api/users/login c=%-3s %6s req/s  p50 %6s ms  p99 %6s ms  service CPU %s cores  %s req/s per core  non-2xx %s  (target p99 <150 ms: %s)\n' \
  "$LOGIN_CONNECTIONS" "$LOGIN_RPS" "$LOGIN_P50" "$LOGIN_P99" "$LOGIN_CORES" "$LOGIN_PER_CORE" "$LOGIN_BAD" "$(verdict "$LOGIN_OK")"
