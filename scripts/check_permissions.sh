#!/usr/bin/env bash
# Fails when a deno task grants every permission, or when a service's `start`,
# `dev` and `compile` tasks disagree on permissions: services list exactly
# what they need (--allow-net=…, --allow-env=…, --allow-read=…), once.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
bad=$(grep -nE '"[^"]*":\s*"[^"]*(\s-A\b|--allow-all)' deno.json services/*/deno.json embedded/deno.json web/deno.json 2>/dev/null || true)
if [ -n "$bad" ]; then
  echo "tasks granting all permissions:" >&2
  echo "$bad" >&2
  status=1
fi
for config in services/*/deno.json embedded/deno.json; do
  python3 - "$config" <<'PY' || status=1
import json, sys
tasks = json.load(open(sys.argv[1])).get("tasks", {})
def flags(cmd):
    return sorted(w for w in cmd.split() if w.startswith("--allow-"))
sets = {name: flags(tasks[name]) for name in ("start", "dev", "compile") if name in tasks}
if len({tuple(v) for v in sets.values()}) > 1:
    print(f"{sys.argv[1]}: start/dev/compile permissions differ: {sets}", file=sys.stderr)
    sys.exit(1)
if "start" in sets and not sets["start"]:
    print(f"{sys.argv[1]}: start grants no explicit permissions", file=sys.stderr)
PY
done
exit "$status"
