#!/usr/bin/env bash
# Debian's chromium and chromium-driver, and a venv with Selenium from PyPI, for the web
# app's tests in a real browser (Tests/troveTests/WebAppBrowserTests.swift).
# Idempotent: installed packages and a venv that imports selenium are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in chromium chromium-driver; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup-browser: installing ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
VENV=.venv-browser
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import selenium" 2>/dev/null; then exit 0; fi
source scripts/venv.sh
[ -x "$VENV/bin/python" ] || make_venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "selenium>=4.20,<5"
