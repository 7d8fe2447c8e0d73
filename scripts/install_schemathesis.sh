#!/usr/bin/env bash
# Installs the pinned schemathesis (PyPI) into a git-ignored virtualenv, .tools/schemathesis/,
# for tests/api/schemathesis_test.ts. Idempotent: nothing is installed when the pinned version
# is already there. Takes the first Python of at least 3.12 on PATH or in pyenv (3.11, 3.11.7
# included, has a CPython AST bug that hypothesis trips over: "AST constructor recursion depth
# mismatch"); without one, Debian's python3 with python3-venv, installed with apt when missing
# (needs root; the run may then meet that bug).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV=.tools/schemathesis

if [ -x "$VENV/bin/st" ] && "$VENV/bin/python" -c "
import importlib.metadata, sys
sys.exit(importlib.metadata.version('schemathesis') != '$VERSION')" 2>/dev/null; then
  exit 0
fi

usable() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
PYTHON=
pyenv_root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
for candidate in python3.13 python3.12 python3 "$pyenv_root"/versions/3.1[2-9]*/bin/python3; do
  if command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then PYTHON=$candidate; break; fi
done
if [ -z "$PYTHON" ]; then
  if ! /usr/bin/python3 -c "import venv, ensurepip" 2>/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "python3-venv is missing; install it: apt-get install python3-venv (needs root)" >&2; exit 1; }
    echo "[test] installing python3-venv from Debian packages" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  fi
  PYTHON=/usr/bin/python3
fi

echo "[test] installing schemathesis $VERSION into $VENV ($("$PYTHON" --version))" >&2
rm -rf "$VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION"
"$VENV/bin/st" --version >/dev/null
