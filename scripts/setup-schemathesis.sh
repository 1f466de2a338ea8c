#!/usr/bin/env bash
# A Python venv with schemathesis (PyPI), for the API schema test that drives a live
# `trove serve` from its /openapi.json (Benchmarks/api-schema/run.py and
# Tests/troveTests/APISchemaTests.swift). Idempotent: a venv with this version is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-schemathesis
VERSION=4.32.5
if [ -x "$VENV/bin/schemathesis" ] && [ "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null)" = "$VERSION" ]; then exit 0; fi
source scripts/venv.sh
make_venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$VERSION"
