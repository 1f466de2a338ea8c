#!/usr/bin/env bash
# Full-text benchmark (issue 4): Trove's inverted index (BM25, top-10, time ranges) against
# Tantivy (Python binding) on the same English corpus, the same analyzer settings and the
# same thread count.
#
#   bash Benchmarks/text/run.sh [--quick] [--skip-build] [--threads 1] [--seed 1]
#                               [--trove BIN] [--tantivy-only] [--idle-wait 120]
#                               [--cpus LIST] [--repeats 3] [--no-apt] [--keep-index]
#
#   --quick         20,000 passages and 200 queries (a subset of the full corpus) for a smoke
#                   run; results go to .bench/text-results-quick.json
#   --skip-build    do not run `swift build -c release --product trove`
#   --threads T     indexing/search threads for both engines (default 1)
#   --seed S        corpus sampling, timestamps and queries (default 1)
#   --trove BIN     the trove binary (default .build/release/trove)
#   --tantivy-only  run only the Tantivy side (Trove columns show n/a)
#   --idle-wait S   before each engine runs, wait up to S seconds (default 120) for the other
#                   processes on the machine to use < 20% of the CPU; 0 = don't wait. The CPU
#                   other processes used before and during each run is recorded (busy.txt,
#                   contention.jsonl) and the report warns when it was high.
#   --cpus LIST     run both engines under `taskset -c LIST` (e.g. 0 to pin everything,
#                   helper threads included, to one core); default: not pinned
#   --repeats R     timed passes over the queries in the Tantivy peer (default 3; best pass)
#   --no-apt        do not apt-get install the documentation packages the corpus needs
#   --keep-index    keep both engines' index folders under .bench/text/<set>/
#
# Corpus (Benchmarks/text/make_corpus.py, seeded; made once, then reused): English passages
# of 60-150 words from /usr/share/man/man*/ (roff stripped) and /usr/share/doc/** (text,
# Markdown, rST, HTML), each with a title and a timestamp over two years; 1,000 known-item
# queries (a 6-10 word span that occurs in exactly one passage) and the same queries with a
# time window. perl-doc and python3-doc are installed first (apt-get, as root) because the
# base system alone ships fewer than 100,000 usable passages.
#
# Everything goes under .bench/ at the repo root (git-ignored):
#   venv-text/                    python venv: tantivy (PyPI)
#   text-data/<set>/              corpus.jsonl, queries.jsonl, queries-time.jsonl, meta.json
#   text/<set>/                   tantivy.json, trove-{plain,time}.json and .jsonl (--out),
#                                 .cmd, logs, busy.txt and contention.jsonl (others' CPU use)
#   text-results[-quick].json     everything, with ratios and goal checks
# The Markdown table is printed at the end.
set -euo pipefail

QUICK=0
SKIP_BUILD=0
THREADS=1
SEED=1
TANTIVY_ONLY=0
TROVE_ARG=""
IDLE_WAIT=120
CPUS=""
REPEATS=3
NO_APT=0
KEEP_INDEX=0
K=10
ORIG_ARGS=("$@")

usage() {
    sed -n '2,42p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --threads) THREADS="${2:?--threads needs a value}"; shift 2 ;;
        --threads=*) THREADS="${1#*=}"; shift ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --seed=*) SEED="${1#*=}"; shift ;;
        --trove) TROVE_ARG="${2:?--trove needs a path}"; shift 2 ;;
        --trove=*) TROVE_ARG="${1#*=}"; shift ;;
        --tantivy-only) TANTIVY_ONLY=1; shift ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        --idle-wait=*) IDLE_WAIT="${1#*=}"; shift ;;
        --cpus) CPUS="${2:?--cpus needs a value}"; shift 2 ;;
        --cpus=*) CPUS="${1#*=}"; shift ;;
        --repeats) REPEATS="${2:?--repeats needs a value}"; shift 2 ;;
        --repeats=*) REPEATS="${1#*=}"; shift ;;
        --no-apt) NO_APT=1; shift ;;
        --keep-index) KEEP_INDEX=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in THREADS REPEATS; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]] || (( ${!v} < 1 )); then
        echo "run.sh: --${v,,} must be a positive integer, got '${!v}'" >&2
        exit 2
    fi
done
for v in IDLE_WAIT SEED; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
        echo "run.sh: --$(tr '_A-Z' '-a-z' <<< "$v") must be a non-negative integer, got '${!v}'" >&2
        exit 2
    fi
done
if [[ -n "$CPUS" ]] && ! [[ "$CPUS" =~ ^[0-9]+([,-][0-9]+)*$ ]]; then
    echo "run.sh: --cpus takes a CPU list like 0 or 0,1 or 0-1, got '$CPUS'" >&2
    exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# step, warn, die, cpu_busy
source "$ROOT/Benchmarks/common/bench_common.sh"


# Sum of the file sizes under a folder (what an index occupies, independent of block size).
dir_bytes() {
    if [[ -d "$1" ]]; then
        find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%d\n", s }'
    else
        echo 0
    fi
}

BENCH="$ROOT/.bench"
VENV="$BENCH/venv-text"
VPY="$VENV/bin/python"
DATA="$BENCH/text-data"
CONTENTION="$ROOT/Benchmarks/vector/contention.py"
STOPWORDS="$ROOT/Sources/TroveText/Analysis/Stopwords.swift"
if (( QUICK )); then
    SET=quick
    RESULTS="$BENCH/text-results-quick.json"
else
    SET=full
    RESULTS="$BENCH/text-results.json"
fi
(( SEED == 1 )) || SET="$SET-seed$SEED"
[[ "$SEED" == 1 ]] || RESULTS="${RESULTS%.json}-seed$SEED.json"
OUTDIR="$BENCH/text/$SET"
if [[ -n "$TROVE_ARG" ]]; then
    TROVE="$(cd "$(dirname "$TROVE_ARG")" && pwd)/$(basename "$TROVE_ARG")"
else
    TROVE="$ROOT/.build/release/trove"
fi
[[ -f "$CONTENTION" ]] || die "$CONTENTION is missing (it records other processes' CPU use)"
PIN=()
if [[ -n "$CPUS" ]]; then
    command -v taskset >/dev/null || die "--cpus needs taskset (apt-get install util-linux)"
    PIN=(taskset -c "$CPUS")
fi
# Both engines get the same thread count, also for any pool a library starts.
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" RAYON_NUM_THREADS="$THREADS"

mkdir -p "$BENCH"
# Keep the folder out of git even before .gitignore lists it.
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"

# 1. Documentation packages the corpus is made from ---------------------------------
DOC_PKGS=(perl-doc python3-doc)
missing_pkgs() {
    local p
    for p in "${DOC_PKGS[@]}"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || printf '%s ' "$p"
    done
}
if command -v dpkg-query >/dev/null; then
    MISSING="$(missing_pkgs)"
    if [[ -n "$MISSING" ]]; then
        if (( NO_APT )); then
            warn "not installing $MISSING(--no-apt): the corpus may come out smaller than 100,000 passages"
        elif [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
            step "apt-get install $MISSING(English documentation for the corpus)"
            # shellcheck disable=SC2086
            if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING >&2; then
                DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
                # shellcheck disable=SC2086
                DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $MISSING >&2 \
                    || die "apt-get install $MISSING failed (or pass --no-apt)"
            fi
        else
            warn "$MISSING not installed and not root: run 'apt-get install $MISSING' for a 100,000-passage corpus"
        fi
    fi
fi

# 2. Python venv with tantivy (PyPI only) ---------------------------------------------
venv_ok() {
    [[ -x "$VPY" ]] && "$VPY" -c 'import tantivy; tantivy.TextAnalyzerBuilder; tantivy.Filter.custom_stopword' >/dev/null 2>&1
}
if venv_ok; then
    step "reusing venv $VENV (tantivy $("$VPY" -c 'from importlib.metadata import version; print(version("tantivy"))'))"
else
    step "creating venv $VENV with tantivy"
    command -v python3 >/dev/null || die "python3 not found; install it (apt-get install python3 python3-venv)"
    if [[ ! -x "$VPY" ]]; then
        python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian install python3-venv"
    fi
    "$VPY" -m pip install --quiet --upgrade pip || warn "could not upgrade pip; going on"
    "$VPY" -m pip install --quiet 'tantivy>=0.22' || die "pip install tantivy failed (needs PyPI)"
    venv_ok || die "the venv at $VENV cannot import tantivy with TextAnalyzerBuilder and custom stopwords"
fi

# 3. Corpus and queries -----------------------------------------------------------------
step "corpus ($SET, seed $SEED) under $DATA"
MAKE_ARGS=(--out-dir "$DATA" --seed "$SEED")
(( QUICK )) && MAKE_ARGS+=(--quick)
META="$(nice -n 5 "$VPY" "$HERE/make_corpus.py" "${MAKE_ARGS[@]}")" || die "make_corpus.py failed"
[[ -s "$META" ]] || die "make_corpus.py did not write its meta.json ($META)"
read -r CORPUS QUERIES QUERIES_TIME NDOCS NQ < <("$VPY" -c '
import json, sys
m = json.load(open(sys.argv[1]))
f = m["files"]
print(f["corpus"]["path"], f["queries"]["path"], f["queries_time"]["path"], m["passages"], m["queries"])
' "$META")
printf '%s passages, %s queries: %s\n' "$NDOCS" "$NQ" "$CORPUS" >&2

# 4. Build Trove -------------------------------------------------------------------------
if (( TANTIVY_ONLY )); then
    step "--tantivy-only: not building or running Trove"
elif (( SKIP_BUILD )); then
    step "skipping build (--skip-build), using $TROVE"
else
    step "swift build -c release --product trove"
    swift build -c release --product trove || die "swift build failed"
fi
if (( ! TANTIVY_ONLY )); then
    [[ -x "$TROVE" ]] || die "$TROVE not found or not executable; did the build succeed? (--tantivy-only runs Tantivy alone)"
fi

mkdir -p "$OUTDIR"
# Never report figures of an earlier run.
rm -f "$OUTDIR"/tantivy* "$OUTDIR"/trove-* "$OUTDIR"/busy.txt "$OUTDIR"/contention.jsonl
rm -rf "$OUTDIR"/tantivy-index "$OUTDIR"/tantivy-index-stored "$OUTDIR"/trove-index-*
FAILED=()

# 5. Tantivy -----------------------------------------------------------------------------
step "Tantivy: index $NDOCS passages, $NQ queries plain and with time ranges, $THREADS thread(s)${CPUS:+, cpus $CPUS}"
wait_idle "$OUTDIR" tantivy
PEER_ARGS=(--corpus "$CORPUS" --queries "$QUERIES" --queries-time "$QUERIES_TIME" --work-dir "$OUTDIR"
           --k "$K" --threads "$THREADS" --repeats "$REPEATS")
[[ -f "$STOPWORDS" ]] && PEER_ARGS+=(--stopwords "$STOPWORDS")
(( KEEP_INDEX )) && PEER_ARGS+=(--keep-index)
if ! "$VPY" "$CONTENTION" --record "$OUTDIR/contention.jsonl" --label tantivy -- \
        "${PIN[@]}" "$VPY" "$HERE/tantivy_peer.py" "${PEER_ARGS[@]}" \
        > "$OUTDIR/tantivy.json" 2> >(tee "$OUTDIR/tantivy.log" >&2); then
    rm -f "$OUTDIR/tantivy.json"
    FAILED+=("tantivy peer (log: $OUTDIR/tantivy.log)")
    warn "the Tantivy peer failed; see $OUTDIR/tantivy.log"
fi

# 6. Trove: once with the plain queries, once with the time-range queries -----------------
if (( ! TANTIVY_ONLY )); then
    for KIND in plain time; do
        if [[ "$KIND" == plain ]]; then QF="$QUERIES"; else QF="$QUERIES_TIME"; fi
        IDX="$OUTDIR/trove-index-$KIND"
        rm -rf "$IDX"
        ARGS=(bench text --corpus "$CORPUS" --queries "$QF" --k "$K" --field text --analyzer english
              --threads "$THREADS" --out "$OUTDIR/trove-$KIND.jsonl" --json --index-dir "$IDX")
        step "trove ${ARGS[*]}"
        printf '%q ' "${PIN[@]}" "$TROVE" "${ARGS[@]}" > "$OUTDIR/trove-$KIND.cmd"
        wait_idle "$OUTDIR" "trove-$KIND"
        if "$VPY" "$CONTENTION" --record "$OUTDIR/contention.jsonl" --label "trove-$KIND" -- \
                "${PIN[@]}" "$TROVE" "${ARGS[@]}" > "$OUTDIR/trove-$KIND.json" 2> >(tee "$OUTDIR/trove-$KIND.log" >&2); then
            if ! "$VPY" -c 'import sys; sys.path.insert(0, sys.argv[2]); import report; report.parse_json_output(open(sys.argv[1]).read())' \
                    "$OUTDIR/trove-$KIND.json" "$HERE" 2>/dev/null; then
                FAILED+=("trove $KIND printed no JSON object (stdout: $OUTDIR/trove-$KIND.json)")
                warn "trove ($KIND queries) printed no JSON object on stdout; see $OUTDIR/trove-$KIND.json"
            fi
        else
            rc=$?
            FAILED+=("trove $KIND exited $rc (log: $OUTDIR/trove-$KIND.log)")
            warn "trove ($KIND queries) exited with status $rc; see $OUTDIR/trove-$KIND.log"
            mv -f "$OUTDIR/trove-$KIND.json" "$OUTDIR/trove-$KIND.stdout" 2>/dev/null || true
        fi
        dir_bytes "$IDX" > "$OUTDIR/trove-$KIND.du"
        (( KEEP_INDEX )) || rm -rf "$IDX"
    done
fi

# 7. Report ---------------------------------------------------------------------------------
step "results"
COMMAND="bash Benchmarks/text/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
REPORT_ARGS=(--meta "$META" --results-dir "$OUTDIR" --threads "$THREADS" --k "$K" --out "$RESULTS"
             --command "$COMMAND")
(( TANTIVY_ONLY )) && REPORT_ARGS+=(--tantivy-only)
"$VPY" "$HERE/report.py" "${REPORT_ARGS[@]}" | tee "$OUTDIR/report.md" || die "report.py failed"

printf '\nresults: %s\ntable:   %s\nraw:     %s/{tantivy,trove-plain,trove-time}.json, --out files (.jsonl), logs\ncorpus:  %s\n' \
    "$RESULTS" "$OUTDIR/report.md" "$OUTDIR" "$(dirname "$META")" >&2
if (( ${#FAILED[@]} )); then
    printf '\nrun.sh: %d step(s) failed:\n' "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
