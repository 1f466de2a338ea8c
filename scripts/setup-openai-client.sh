#!/usr/bin/env bash
# A Python venv with the official `openai` SDK and `langchain-openai`, for the tests that
# drive a live `trove serve` with real clients (Tests/troveTests/OpenAIClientTests.swift).
# Idempotent: an existing venv that imports both is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-openai
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import openai, langchain_openai" 2>/dev/null; then exit 0; fi
source scripts/venv.sh
[ -x "$VENV/bin/python" ] || make_venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "openai>=1.40,<3" "langchain-openai>=0.3,<2"
