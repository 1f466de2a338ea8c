#!/usr/bin/env bash
# The message part of the retrieval benchmark: 1,000,000 chat messages of Debian
# documentation text (make_messages.py), 1,000 raw queries (punctuation kept) with a 7-30 day
# window, answered newest first and by BM25, for the message's owner (a tenant-scoped
# collection) and across all users; Trove (`trove bench message-search`) against Tantivy
# (messages_peer.py) in one run, one thread each.
#
#   bash Benchmarks/retrieval/run-messages.sh [--skip-build] [--trove BIN] [--messages N]
#                                             [--repeats 3] [--idle-wait 120]
#
# Needs the venv and the cached passages of run.sh (it runs `run.sh --peers-only` first when
# either is missing). Everything goes under .bench/retrieval-messages/ (git-ignored):
# messages.jsonl, queries.jsonl, meta.json, trove.json, peer.json, trove/ and peers/ (ids per
# query), report.md.
set -euo pipefail

SKIP_BUILD=0
TROVE_ARG=""
MESSAGES=1000000
REPEATS=3
IDLE_WAIT=120
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1; shift ;;
        --trove) TROVE_ARG="${2:?--trove needs a path}"; shift 2 ;;
        --messages) MESSAGES="${2:?--messages needs a value}"; shift 2 ;;
        --repeats) REPEATS="${2:?--repeats needs a value}"; shift 2 ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run-messages.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
for v in MESSAGES REPEATS IDLE_WAIT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "run-messages.sh: --${v,,} takes a non-negative integer" >&2; exit 2; }
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
source "$ROOT/Benchmarks/common/bench_common.sh"
export IDLE_WAIT OMP_NUM_THREADS=1 RAYON_NUM_THREADS=1
VPY="$ROOT/.bench/venv-retrieval/bin/python"
OUT="$ROOT/.bench/retrieval-messages"
[[ "$MESSAGES" == 1000000 ]] || OUT="$OUT-$MESSAGES"
TROVE="${TROVE_ARG:-$ROOT/.build/release/trove}"

if [[ ! -x "$VPY" ]] || ! ls "$ROOT"/.bench/text-data/passages-v*.jsonl.gz >/dev/null 2>&1; then
    step "venv or passages missing: bash Benchmarks/retrieval/run.sh --peers-only"
    bash "$HERE/run.sh" --peers-only --idle-wait 0 > /dev/null || die "run.sh --peers-only failed"
fi
step "messages and queries under $OUT"
"$VPY" "$HERE/make_messages.py" --out-dir "$OUT" --messages "$MESSAGES" > /dev/null || die "make_messages.py failed"
if (( ! SKIP_BUILD )); then
    step "swift build -c release --product trove"
    swift build -c release --product trove || die "swift build failed"
fi
"$TROVE" bench message-search --help > /dev/null 2>&1 || die "$TROVE has no 'bench message-search'; rebuild it"
rm -rf "$OUT/trove" "$OUT/peers" "$OUT/busy.txt"

step "trove bench message-search"
wait_idle "$OUT" trove
"$TROVE" bench message-search --messages "$OUT/messages.jsonl" --queries "$OUT/queries.jsonl" --repeats "$REPEATS" \
    --out-dir "$OUT/trove" --json > "$OUT/trove.json" || die "trove bench message-search failed"
step "Tantivy (messages_peer.py)"
wait_idle "$OUT" tantivy
"$VPY" "$HERE/messages_peer.py" --messages "$OUT/messages.jsonl" --queries "$OUT/queries.jsonl" --repeats "$REPEATS" \
    --work-dir "$OUT/peers" --stopwords "$ROOT/Sources/TroveText/Analysis/Stopwords.swift" > "$OUT/peer.json" \
    || die "messages_peer.py failed"
rm -rf "$OUT/peers/tantivy-index"
"$VPY" "$HERE/messages_report.py" "$OUT" | tee "$OUT/report.md"
