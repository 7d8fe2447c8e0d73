#!/usr/bin/env bash
# Fails when any deno task grants every permission: services list exactly
# what they need (--allow-net=…, --allow-env=…, --allow-read=…).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -nE '"[^"]*":\s*"[^"]*(\s-A\b|--allow-all)' deno.json services/*/deno.json 2>/dev/null || true)
if [ -n "$bad" ]; then
  echo "tasks granting all permissions:" >&2
  echo "$bad" >&2
  exit 1
fi
