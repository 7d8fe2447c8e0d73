#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the browser test (web/) when
# it is missing, and the colour emoji font its screenshots need (reactions,
# formatted messages). Needs root; apt-get runs only when something is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium fonts-dejavu-core)
dpkg-query -W -f='${Status}' fonts-noto-color-emoji 2>/dev/null | grep -q "install ok installed" ||
  missing+=(fonts-noto-color-emoji)
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "missing ${missing[*]}; install: apt-get install ${missing[*]} (needs root)" >&2; exit 1; }
echo "[test] installing ${missing[*]} from Debian packages" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
