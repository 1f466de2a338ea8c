#!/usr/bin/env bash
# A Python venv with Trove's own client installed from clients/python exactly as its README
# says (`pip install ./clients/python`), for Tests/troveTests/PythonClientTests.swift.
# Reinstalled on every run (it is small and has no dependencies), so the tests always use
# the client as it is in the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-client
source scripts/venv.sh
[ -x "$VENV/bin/python" ] || make_venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps ./clients/python
