#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-openai-client.sh
scripts/setup-schemathesis.sh
scripts/setup-python-client.sh
scripts/setup-browser.sh
# Layers only point down (docs/ARCHITECTURE.md); the checker first proves it can fail.
python3 scripts/check-layers.py --self-test
python3 scripts/check-layers.py
swift build --build-tests
swift test --skip-build
