#!/usr/bin/env bash
# The test command: installs what is missing, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/setup-openai-client.sh
scripts/setup-schemathesis.sh
swift build --build-tests
swift test --skip-build
