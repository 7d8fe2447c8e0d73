#!/usr/bin/env bash
# The whole test suite (README: `./deno task test`). Brings the local
# infrastructure up when it is not running, applies migrations, runs every
# suite and ends with one line: `tests: N passed, M failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts

bash scripts/infra/up.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
bash scripts/install_chromium.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
bash scripts/install_schemathesis.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }
./deno task migrate >artifacts/migrate.log 2>&1 ||
  { cat artifacts/migrate.log; echo "tests: 0 passed, 1 failed"; exit 1; }

# Secrets and addresses the services under test read (never used outside tests).
export JWT_SECRET="${JWT_SECRET:-test-secret-for-chat-ts-integration-tests}"

passed=0
failed=0
status=0
# run_suite NAME DENO_TEST_ARGS...: runs one `deno test` and adds its counts.
run_suite() {
  local name=$1; shift
  local log="artifacts/test-$name.log"
  echo "== suite $name" >&2
  ./deno test "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local summary
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^(ok|FAILED) \| [0-9]+ passed' | tail -1)
  if [ -z "$summary" ]; then
    echo "suite $name printed no summary (exit $rc); counting it as one failure" >&2
    failed=$(( failed + 1 )); status=1; return
  fi
  passed=$(( passed + $(sed -E 's/.*\| ([0-9]+) passed.*/\1/' <<<"$summary") ))
  failed=$(( failed + $(sed -E 's/.*\| ([0-9]+) failed.*/\1/' <<<"$summary") ))
  [ "$rc" = 0 ] || status=1
}

run_suite all --allow-net --allow-env --allow-read --allow-write --allow-run --allow-sys --allow-ffi "$@"

echo "tests: $passed passed, $failed failed"
exit "$status"
