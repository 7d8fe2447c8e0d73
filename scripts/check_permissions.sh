#!/usr/bin/env bash
# Fails when a deno task, or a permission set in a deno.json, grants every permission:
# services list exactly what they need, once, in their permission set (`deno run -P=<set>`).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - deno.json services/*/deno.json embedded/deno.json web/deno.json <<'PY'
import json, re, sys

allow_all = re.compile(r"(^|\s)(-A|--allow-all)(\s|=|$)")
status = 0
for path in sys.argv[1:]:
    config = json.load(open(path))
    for name, task in config.get("tasks", {}).items():
        command = task if isinstance(task, str) else task.get("command", "")
        if allow_all.search(command):
            print(f"{path}: task {name} grants all permissions: {command}", file=sys.stderr)
            status = 1
    sets = dict(config.get("permissions", {}))
    for sub in ("test", "bench", "compile"):
        inline = config.get(sub, {}).get("permissions")
        if isinstance(inline, dict):
            sets[f"{sub}.permissions"] = inline
    for name, grants in sets.items():
        if grants == "all" or (isinstance(grants, dict) and grants.get("all") is True):
            print(f"{path}: permission set {name} grants all permissions", file=sys.stderr)
            status = 1
sys.exit(status)
PY
