#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser test (web/) when
# it is missing. Needs root; apt-get runs only when something is missing.
set -euo pipefail
command -v chromium >/dev/null && exit 0
[ "$(id -u)" = 0 ] || { echo "chromium is missing; install it: apt-get install chromium (needs root)" >&2; exit 1; }
echo "[test] installing chromium from Debian packages" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
