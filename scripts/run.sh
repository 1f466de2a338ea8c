#!/usr/bin/env bash
# The main job. Installs what is missing (packages, the embedding model), builds release, then (until `trove serve`
# exists) imports the bundled sample of chat messages into ./data and shows it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product trove
TROVE=.build/release/trove
DATA="${TROVE_DATA:-./data}"
$TROVE import --db "$DATA" --collection messages fixtures/sample-messages.jsonl
echo "--- trove stats --db $DATA"
$TROVE stats --db "$DATA"
id=$(head -1 fixtures/sample-messages.jsonl | sed -E 's/^\{"id":"([^"]+)".*/\1/')
echo "--- trove get --db $DATA --collection messages $id"
$TROVE get --db "$DATA" --collection messages "$id"
echo "--- trove verify --db $DATA"
$TROVE verify --db "$DATA"
echo "--- trove models list"
$TROVE models list
echo "--- trove embed \"the disk is full\" (first 8 of 384 numbers)"
$TROVE embed "the disk is full" | cut -d, -f1-8
