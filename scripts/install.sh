#!/usr/bin/env bash
# Makes .venv/ with Sluttsamtale installed in it, on any machine with Python 3.11 or newer,
# Debian and Ubuntu included (their pip refuses to install outside a virtual environment).
#
#   bash scripts/install.sh          # the product: .venv/bin/sluttsamtale
#   bash scripts/install.sh --test   # and what the tests and checks need: the test extra,
#                                    # Debian's chromium, Node.js and the page's npm tools
#
# System packages come from apt (as root, or with sudo) only when something is missing.
# Idempotent; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

test_extra=false
[ "${1:-}" = "--test" ] && test_extra=true

missing=()
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
if $test_extra; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
if $test_extra; then
  "${pip[@]}" -e '.[test]'
  npm ci --no-audit --no-fund --loglevel=error
else
  "${pip[@]}" -e .
fi
