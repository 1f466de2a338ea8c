#!/usr/bin/env bash
# Bulk loading over HTTP against `trove import` (issue 20): the same ~1 KB documents of
# Debian's English documentation, loaded by `trove import` from JSONL and by `_bulk` NDJSON
# requests to a release `trove serve` on 127.0.0.1, one after the other, with serve's
# default memtable (8 MiB) and with import's (64 MiB). Prints the JSON of
# Benchmarks/bulk/bulk_bench.py and writes it to .bench/bulk/result-m{8,64}.json.
#
#   bash Benchmarks/bulk/run.sh [--skip-build] [--quick] [--docs N] [--request-docs N]
#
#   --quick         5,000 documents in requests of 1,000, 200 embedded (a smoke run)
#
# With serve's default memtable it also times 2,000 of the texts through `trove embed`
# alone and through `_bulk` into a collection with an embedded vector field.
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common/bench_common.sh
SKIP_BUILD=0 DOCS=200000 REQUEST_DOCS=5000 EMBEDDED=2000
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1 ;;
        --quick) DOCS=5000 REQUEST_DOCS=1000 EMBEDDED=200 ;;
        --docs) DOCS="$2"; shift ;;
        --request-docs) REQUEST_DOCS="$2"; shift ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
scripts/setup.sh >/dev/null
[[ $SKIP_BUILD == 1 ]] || { step "release build"; swift build -c release --product trove >/dev/null; }
OUT=.bench/bulk
rm -rf "$OUT" && mkdir -p "$OUT"
step "passages (Benchmarks/text/make_corpus.py --quick, made once)"
META="$(python3 Benchmarks/text/make_corpus.py --out-dir .bench/text-data --quick)"
PASSAGES="$(dirname "$META")/corpus.jsonl"
wait_idle "$OUT" "bulk"
# trove serve flushes its memtables at 8 MiB (--memtable-mb, chosen for many small
# collections), trove import at 64 MiB: once each way.
for mb in 8 64; do
    step "$DOCS documents: trove import, then _bulk in requests of $REQUEST_DOCS, then one body (serve --memtable-mb $mb)"
    python3 Benchmarks/bulk/bulk_bench.py --trove .build/release/trove --passages "$PASSAGES" --out "$OUT/m$mb" \
        --docs "$DOCS" --request-docs "$REQUEST_DOCS" --one-body-docs "$(( DOCS < 80000 ? DOCS : 80000 ))" --memtable-mb "$mb" \
        --embedded-docs "$(( mb == 8 ? EMBEDDED : 0 ))" \
        | tee "$OUT/result-m$mb.json"
done
