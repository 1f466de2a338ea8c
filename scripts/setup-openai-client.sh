#!/usr/bin/env bash
# A Python venv with the official `openai` SDK, for the test that drives a live
# `trove serve` with a real client (Tests/troveTests/OpenAIClientTests.swift).
# Idempotent: an existing venv that imports openai is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-openai
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import openai" 2>/dev/null; then exit 0; fi
source scripts/venv.sh
make_venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "openai>=1.40,<3"
