#!/usr/bin/env bash
# Storage benchmark (issue 2): ingest N chat-message documents into Trove and
# into SQLite, compare ingest rate, bytes on disk, reopen time after a crash
# and random get-by-id rate.
#
#   bash Benchmarks/storage/run.sh [--count 1000000] [--gets 200000] [--seed 1]
#                                  [--batch 1000] [--skip-build]
#
# Everything it makes goes under .bench/ at the repo root (git-ignored):
#   messages-N.jsonl             the corpus (reused if it already has N lines)
#   sqlite/, sqlite.json         the SQLite peer's database and figures
#   trove-db/, trove-*.json      Trove's database and figures
#   trove-crash/                 the database left by the SIGKILLed import
#   storage-results.json         everything, plus the goal checks
# The Markdown table is printed at the end.
set -euo pipefail

COUNT=1000000
GETS=200000
SEED=1
BATCH=1000
SKIP_BUILD=0

usage() {
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --count) COUNT="${2:?--count needs a value}"; shift 2 ;;
        --count=*) COUNT="${1#*=}"; shift ;;
        --gets) GETS="${2:?--gets needs a value}"; shift 2 ;;
        --gets=*) GETS="${1#*=}"; shift ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --seed=*) SEED="${1#*=}"; shift ;;
        --batch) BATCH="${2:?--batch needs a value}"; shift 2 ;;
        --batch=*) BATCH="${1#*=}"; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in COUNT GETS SEED BATCH; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
        echo "run.sh: --${v,,} must be a non-negative integer, got '${!v}'" >&2
        exit 2
    fi
done
if (( COUNT < 1 )); then
    echo "run.sh: --count must be at least 1" >&2
    exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

PY="${PYTHON:-python3}"
BENCH="$ROOT/.bench"
TROVE="$ROOT/.build/release/trove"
if [[ "$SEED" == "1" ]]; then
    CORPUS="$BENCH/messages-$COUNT.jsonl"
else
    CORPUS="$BENCH/messages-$COUNT-seed$SEED.jsonl"
fi

step() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

command -v "$PY" >/dev/null || die "python3 not found (set PYTHON=...)"
mkdir -p "$BENCH"
# Keep the folder out of git even before .gitignore lists it.
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"

# Start from a clean slate of results so a failed step never reports old figures.
rm -f "$BENCH"/sqlite.json "$BENCH"/trove-*.json "$BENCH"/storage-results.json

# 1. Corpus ------------------------------------------------------------------
if [[ -s "$CORPUS" ]] && [[ "$(wc -l < "$CORPUS" | tr -d ' ')" == "$COUNT" ]]; then
    step "reusing corpus $CORPUS ($(wc -c < "$CORPUS" | tr -d ' ') bytes)"
else
    step "making corpus: $COUNT documents -> $CORPUS"
    "$PY" "$HERE/make_corpus.py" --out "$CORPUS" --count "$COUNT" --seed "$SEED"
fi

# 2. Build Trove --------------------------------------------------------------
if (( SKIP_BUILD )); then
    step "skipping build (--skip-build), using $TROVE"
else
    step "swift build -c release --product trove"
    swift build -c release --product trove
fi
[[ -x "$TROVE" ]] || die "$TROVE not found or not executable; did the build succeed?"

# 3. SQLite peer ----------------------------------------------------------------
step "SQLite peer: ingest $COUNT docs, $GETS random gets"
"$PY" "$HERE/sqlite_peer.py" --jsonl "$CORPUS" --db "$BENCH/sqlite/messages.db" \
    --batch "$BATCH" --gets "$GETS" --seed "$SEED" > "$BENCH/sqlite.json" \
    || die "sqlite_peer.py failed"
cat "$BENCH/sqlite.json" >&2

# 4. Trove: import, size, gets, compact, size, gets -----------------------------
DB="$BENCH/trove-db"
rm -rf "$DB"
step "trove import into a fresh $DB"
"$TROVE" import --db "$DB" --collection messages "$CORPUS" --json > "$BENCH/trove-import.json" \
    || die "trove import failed"
cat "$BENCH/trove-import.json" >&2

step "trove stats (bytes on disk after import)"
"$TROVE" stats --db "$DB" > "$BENCH/trove-stats.json" || die "trove stats failed"
"$PY" "$HERE/report.py" du --dir "$DB" --key after_import --out "$BENCH/trove-du.json"

step "trove bench get: $GETS random gets after import"
"$TROVE" bench get --db "$DB" --collection messages --count "$GETS" --seed "$SEED" --json \
    > "$BENCH/trove-get.json" || die "trove bench get failed"
cat "$BENCH/trove-get.json" >&2

step "trove compact"
"$TROVE" compact --db "$DB" >&2 || die "trove compact failed"

step "trove stats (bytes on disk after compact)"
"$TROVE" stats --db "$DB" > "$BENCH/trove-stats-compacted.json" || die "trove stats failed"
"$PY" "$HERE/report.py" du --dir "$DB" --key after_compact --out "$BENCH/trove-du.json"

step "trove bench get: $GETS random gets after compact"
"$TROVE" bench get --db "$DB" --collection messages --count "$GETS" --seed "$SEED" --json \
    > "$BENCH/trove-get-compacted.json" || die "trove bench get failed"
cat "$BENCH/trove-get-compacted.json" >&2

# 5. Trove: crash with everything in the WAL, then time the reopen ---------------
CRASH="$BENCH/trove-crash"
rm -rf "$CRASH"
step "trove import into $CRASH with an 8 GiB memtable, then SIGKILL itself (a 'Killed' line is expected)"
set +e
"$TROVE" import --db "$CRASH" --collection messages "$CORPUS" \
    --memtable-mb 8192 --sigkill-after-import > "$BENCH/trove-crash-import.log"
rc=$?
set -e
if (( rc == 137 )); then
    echo "import was killed by SIGKILL as intended (exit 137)" >&2
elif (( rc == 0 )); then
    echo "run.sh: warning: the crash import exited 0: it did not SIGKILL itself, so the reopen below may not replay the WAL" >&2
else
    die "crash import failed with exit status $rc (expected 137 = killed by SIGKILL)"
fi
"$PY" "$HERE/report.py" du --dir "$CRASH" --key bytes --out "$BENCH/trove-crash-before.json"

step "timing the reopen (trove stats replays the WAL)"
"$PY" "$HERE/report.py" time-open --trove "$TROVE" --db "$CRASH" --out "$BENCH/trove-crash-open.json" \
    || die "reopen after the crash failed"

# 6. Report ---------------------------------------------------------------------
step "results"
"$PY" "$HERE/report.py" table --bench-dir "$BENCH" --corpus "$CORPUS" --count "$COUNT" --batch "$BATCH"
