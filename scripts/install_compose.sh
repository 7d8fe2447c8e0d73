#!/usr/bin/env bash
# Makes `docker compose` available for validating compose.yaml. The machines
# have the docker client but not its compose plugin, and no download site
# for it; the Go module proxy has its source, so build it once into the cache.
set -euo pipefail
VERSION=v2.40.3
cache="${CHAT_TS_CACHE:-$HOME/.cache/chat-ts}/docker-compose-$VERSION"
plugin_dir="$HOME/.docker/cli-plugins"

docker compose version >/dev/null 2>&1 && exit 0
command -v docker >/dev/null || { echo "install_compose: no docker client" >&2; exit 1; }
if [ ! -x "$cache/docker-compose" ]; then
  command -v go >/dev/null || { echo "install_compose: Go is needed to build docker compose" >&2; exit 1; }
  echo "install_compose: building docker compose $VERSION from the Go module proxy" >&2
  src=$(GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v2@$VERSION" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # Built as the main module: its go.mod has replace/exclude directives `go install` refuses.
  cp -r "$src/." "$work" && chmod -R u+w "$work"
  mkdir -p "$cache"
  (cd "$work" && go build -trimpath -o "$cache/docker-compose" ./cmd)
fi
mkdir -p "$plugin_dir"
ln -sf "$cache/docker-compose" "$plugin_dir/docker-compose"
docker compose version >&2
