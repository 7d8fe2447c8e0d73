#!/usr/bin/env bash
# Lints every Dockerfile with BuildKit's rules, building the linter once from
# the Go module proxy into the cache.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CHAT_TS_CACHE:-$HOME/.cache/chat-ts}/dockerfile-lint-$(sha256sum scripts/dockerfile_lint/go.sum | cut -c1-12)"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "lint_dockerfiles: Go is needed to build the linter" >&2; exit 1; }
  (cd scripts/dockerfile_lint && go build -o "$bin" .)
fi
# Every service builds from the one services/Dockerfile (ARG SERVICE names it); a copy per service
# would drift from it.
mapfile -t strays < <(git ls-files 'services/*/Dockerfile' 2>/dev/null || find services -mindepth 2 -name Dockerfile)
if [ "${#strays[@]}" -gt 0 ]; then
  echo "lint_dockerfiles: ${strays[*]}: build from services/Dockerfile with --build-arg SERVICE=… instead" >&2
  exit 1
fi
mapfile -t files < <(git ls-files '*Dockerfile' 2>/dev/null || find . -name '*Dockerfile' -not -path './.infra/*')
"$bin" "${files[@]}"
echo "lint_dockerfiles: ${#files[@]} Dockerfiles clean"
