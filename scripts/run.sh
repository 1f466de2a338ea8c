#!/usr/bin/env bash
# The main job: installs what is missing (packages, the embedding model), builds release,
# and runs the server on ./data (TROVE_DATA) at 127.0.0.1:8080 (TROVE_PORT) until SIGTERM
# or Ctrl-C. The first start creates the admin account and prints its password (or uses
# TROVE_ADMIN_PASSWORD). Chat needs a model: Ollama on 127.0.0.1:11434 by default, or
# TROVE_LLM_PROVIDER / TROVE_LLM_URL / TROVE_LLM_MODEL / TROVE_LLM_API_KEY.
# scripts/demo.sh runs the command-line tour instead.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product trove
exec .build/release/trove serve --data "${TROVE_DATA:-./data}"  # host and port: TROVE_HOST, TROVE_PORT or [server] in trove.toml
