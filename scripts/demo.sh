#!/usr/bin/env bash
# The command-line tour. Installs what is missing (packages, the embedding model), builds release, then
# imports the bundled sample of chat messages into ./data/engine and shows it, ingests two
# docs as files, retrieves passages, and tries one chat exchange.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product trove
TROVE=.build/release/trove
DATA="${TROVE_DATA:-./data}"
DB="$DATA/engine"
$TROVE import --db "$DB" --collection messages fixtures/sample-messages.jsonl
echo "--- trove stats --db $DB"
$TROVE stats --db "$DB"
id=$(head -1 fixtures/sample-messages.jsonl | sed -E 's/^\{"id":"([^"]+)".*/\1/')
echo "--- trove get --db $DB --collection messages $id"
$TROVE get --db "$DB" --collection messages "$id"
echo "--- trove verify --db $DB"
$TROVE verify --db "$DB"
echo "--- trove models list"
$TROVE models list
echo "--- trove embed \"the disk is full\" (first 8 of 384 numbers)"
$TROVE embed "the disk is full" | cut -d, -f1-8
echo "--- trove files add --data $DATA docs/FORMAT.md docs/ARCHITECTURE.md (extract, chunk, embed, index)"
if [ -z "$($TROVE files list --data "$DATA")" ]; then
    $TROVE files add --data "$DATA" docs/FORMAT.md docs/ARCHITECTURE.md | cut -c1-200
else
    $TROVE files list --data "$DATA" | cut -c1-200
fi
echo "--- trove retrieve --data $DATA --top-k 2 \"how is a torn WAL record handled?\""
$TROVE retrieve --data "$DATA" --top-k 2 "how is a torn WAL record handled?" | cut -c1-300
echo "--- trove chat (needs a chat model: Ollama on 127.0.0.1:11434 by default, or TROVE_LLM_PROVIDER/URL/MODEL/API_KEY)"
$TROVE chat --data "$DATA" "In one sentence, what is Trove?" || echo "(no chat provider answered: see the message above; search, ingestion and retrieve work without one)"

