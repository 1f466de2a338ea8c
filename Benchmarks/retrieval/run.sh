#!/usr/bin/env bash
# Retrieval benchmark: Trove's BM25, dense and hybrid search against Tantivy (BM25) and FAISS
# (flat, exact) on 20,000 passages of Debian documentation and three query sets (verbatim
# spans with their punctuation, distinctive keyword sets, headings as semantic queries), in
# one run, one thread each.
#
#   bash Benchmarks/retrieval/run.sh [--skip-build] [--trove BIN] [--seed 1] [--passages 20000]
#                                    [--run SPEC ...] [--repeats 3] [--idle-wait 120]
#                                    [--peers-only] [--no-apt] [--plot FILE.png]
#
#   --skip-build    do not run `swift build -c release --product trove`
#   --trove BIN     the trove binary (default .build/release/trove)
#   --seed S        corpus sampling and queries (default 1: the text bench's quick corpus)
#   --passages N    corpus size (default 20,000)
#   --run SPEC      a Trove run (repeatable; default: all of bm25, bm25-phrases, dense, hybrid, rrf, rrf:2:1,
#                   rrf:3:1, minmax:0.5:0.5, minmax:0.6:0.4, minmax:0.7:0.3, zscore:0.5:0.5,
#                   zscore:0.6:0.4)
#   --repeats R     timed passes over each query set, every engine (default 3; best pass)
#   --idle-wait S   before each engine runs, wait up to S seconds (default 120) for other
#                   processes to use < 20% of the CPU; 0 = don't wait
#   --peers-only    run only Tantivy (and FAISS if the vectors exist); Trove shows n/a
#   --no-apt        do not apt-get install perl-doc and python3-doc (the corpus needs them)
#   --plot FILE     the MRR-latency plot (default docs/retrieval-mrr-latency.png; with
#                   --peers-only .bench/retrieval-mrr-latency-peers.png)
#
# Steps: documentation packages (apt-get, as root), the venv .bench/venv-retrieval (tantivy,
# faiss-cpu, numpy, matplotlib from PyPI), make_sets.py (corpus and queries, made once), the
# model (scripts/install-model.sh), `trove bench retrieval --embed-only` when a .fvecs file is
# missing (TroveEmbed all-MiniLM-L6-v2 vectors of the passages and queries), `trove bench
# retrieval` (bm25, dense, the hybrid runs), peers.py (Tantivy, FAISS), report.py.
# Everything goes under .bench/ (git-ignored):
#   retrieval-data/          corpus.jsonl, queries-<set>.jsonl, meta.json, *.fvecs
#   retrieval/               trove.json, peers.json, logs, busy.txt, contention.jsonl, report.md
#   retrieval/trove/         <set>.<run>.jsonl   Trove's ranked ids per query
#   retrieval/peers/         <set>.<engine>.jsonl the peers' ranked ids per query
#   retrieval-results.json   everything, with goal checks and the default hybrid
set -euo pipefail

SKIP_BUILD=0
TROVE_ARG=""
SEED=1
PASSAGES=20000
RUNS=()
REPEATS=3
IDLE_WAIT=120
PEERS_ONLY=0
NO_APT=0
PLOT=""
K=10
ORIG_ARGS=("$@")

usage() { sed -n '2,36p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1; shift ;;
        --trove) TROVE_ARG="${2:?--trove needs a path}"; shift 2 ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --passages) PASSAGES="${2:?--passages needs a value}"; shift 2 ;;
        --run) RUNS+=("${2:?--run needs a spec}"); shift 2 ;;
        --repeats) REPEATS="${2:?--repeats needs a value}"; shift 2 ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        --peers-only) PEERS_ONLY=1; shift ;;
        --no-apt) NO_APT=1; shift ;;
        --plot) PLOT="${2:?--plot needs a path}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
for v in SEED PASSAGES REPEATS IDLE_WAIT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "run.sh: --${v,,} takes a non-negative integer, got '${!v}'" >&2; exit 2; }
done
(( REPEATS >= 1 && PASSAGES >= 1 )) || { echo "run.sh: --repeats and --passages must be >= 1" >&2; exit 2; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
# step, warn, die, wait_idle
source "$ROOT/Benchmarks/common/bench_common.sh"
export IDLE_WAIT

BENCH="$ROOT/.bench"
VENV="$BENCH/venv-retrieval"
VPY="$VENV/bin/python"
DATA="$BENCH/retrieval-data"
OUT="$BENCH/retrieval"
RESULTS="$BENCH/retrieval-results.json"
if [[ "$SEED" != 1 || "$PASSAGES" != 20000 ]]; then
    DATA="$DATA-$PASSAGES-s$SEED"; OUT="$OUT-$PASSAGES-s$SEED"; RESULTS="${RESULTS%.json}-$PASSAGES-s$SEED.json"
fi
if (( PEERS_ONLY )); then   # a run without Trove does not replace the documented plot
    PLOT="${PLOT:-$BENCH/retrieval-mrr-latency-peers.png}"
else
    PLOT="${PLOT:-$ROOT/docs/retrieval-mrr-latency.png}"
fi
CONTENTION="$ROOT/Benchmarks/vector/contention.py"
STOPWORDS="$ROOT/Sources/TroveText/Analysis/Stopwords.swift"
TROVE="${TROVE_ARG:-$ROOT/.build/release/trove}"
[[ "$TROVE" == /* ]] || TROVE="$ROOT/$TROVE"
# One thread for every engine, also for any pool a library starts.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 RAYON_NUM_THREADS=1
mkdir -p "$BENCH"
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"

# 1. Documentation packages the corpus is made from -------------------------------------
NEED=()
for pkg in perl-doc python3-doc; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || NEED+=("$pkg")
done
if (( ${#NEED[@]} )); then
    if (( NO_APT )) || [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
        warn "${NEED[*]} not installed (--no-apt, not root or no apt-get): the corpus differs from the documented one"
    else
        step "apt-get install ${NEED[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" >&2 \
            || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true;
                 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" >&2; } \
            || die "apt-get install ${NEED[*]} failed (or pass --no-apt)"
    fi
fi

# 2. Python venv (PyPI only) ------------------------------------------------------------
PY_CHECK='import tantivy, faiss, numpy, matplotlib; tantivy.Filter.custom_stopword'
if [[ -x "$VPY" ]] && "$VPY" -c "$PY_CHECK" >/dev/null 2>&1; then
    step "reusing venv $VENV"
else
    step "creating venv $VENV (tantivy, faiss-cpu, numpy, matplotlib)"
    [[ -x "$VPY" ]] || python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian install python3-venv"
    "$VPY" -m pip install --quiet --upgrade pip || warn "could not upgrade pip; going on"
    "$VPY" -m pip install --quiet 'tantivy>=0.22' faiss-cpu numpy matplotlib || die "pip install failed (needs PyPI)"
    "$VPY" -c "$PY_CHECK" || die "the venv at $VENV cannot import tantivy, faiss, numpy and matplotlib"
fi

# 3. Corpus and query sets ----------------------------------------------------------------
step "corpus and query sets (seed $SEED, $PASSAGES passages) under $DATA"
META="$(nice -n 5 "$VPY" "$HERE/make_sets.py" --out-dir "$DATA" --seed "$SEED" --passages "$PASSAGES")" \
    || die "make_sets.py failed"
[[ -s "$META" ]] || die "make_sets.py wrote no meta.json ($META)"
CORPUS="$DATA/corpus.jsonl"
VECTORS="$DATA/corpus.fvecs"
SETS=()
for s in verbatim keywords semantic; do SETS+=(--set "$s=$DATA/queries-$s.jsonl"); done

mkdir -p "$OUT"
rm -rf "$OUT/trove" "$OUT/peers"
rm -f "$OUT"/trove.json "$OUT"/peers.json "$OUT"/*.log "$OUT"/busy.txt "$OUT"/contention.jsonl
FAILED=()

# 4. Trove: build, model, vectors, the benchmark ---------------------------------------------
TROVE_JSON=()
if (( PEERS_ONLY )); then
    step "--peers-only: not building or running Trove"
else
    if (( SKIP_BUILD )); then
        step "skipping build (--skip-build), using $TROVE"
    else
        step "swift build -c release --product trove"
        swift build -c release --product trove || die "swift build failed"
    fi
    [[ -x "$TROVE" ]] || die "$TROVE not found or not executable (--peers-only runs the peers alone)"
    "$TROVE" bench retrieval --help >/dev/null 2>&1 || die "$TROVE has no 'bench retrieval' command; rebuild it"
    step "model (scripts/install-model.sh)"
    bash "$ROOT/scripts/install-model.sh" || die "scripts/install-model.sh failed"
    ARGS=(bench retrieval --corpus "$CORPUS" --vectors "$VECTORS" "${SETS[@]}" --k "$K" --analyzer english
          --out-dir "$OUT/trove" --json)
    for r in "${RUNS[@]}"; do ARGS+=(--run "$r"); done
    (( REPEATS == 3 )) || ARGS+=(--repeats "$REPEATS")
    MISSING_VECS=0
    for f in "$VECTORS" "$DATA"/queries-{verbatim,keywords,semantic}.fvecs; do [[ -s "$f" ]] || MISSING_VECS=1; done
    if (( MISSING_VECS )); then
        step "embedding passages and queries (trove bench retrieval --embed-only)"
        "$TROVE" "${ARGS[@]}" --embed-only > "$OUT/embed.json" 2> >(tee "$OUT/embed.log" >&2) \
            || die "trove bench retrieval --embed-only failed; see $OUT/embed.log"
    fi
    step "trove ${ARGS[*]}"
    printf '%q ' "$TROVE" "${ARGS[@]}" > "$OUT/trove.cmd"
    wait_idle "$OUT" trove
    if "$VPY" "$CONTENTION" --record "$OUT/contention.jsonl" --label trove -- \
            "$TROVE" "${ARGS[@]}" > "$OUT/trove.json" 2> >(tee "$OUT/trove.log" >&2); then
        TROVE_JSON=(--trove "$OUT/trove.json" --trove-dir "$OUT/trove")
    else
        rc=$?
        FAILED+=("trove bench retrieval exited $rc (log: $OUT/trove.log)")
        warn "trove bench retrieval failed; see $OUT/trove.log"
    fi
fi

# 5. Peers -----------------------------------------------------------------------------------
PEER_ARGS=(--corpus "$CORPUS" "${SETS[@]}" --work-dir "$OUT/peers" --k "$K" --repeats "$REPEATS")
[[ -f "$STOPWORDS" ]] && PEER_ARGS+=(--stopwords "$STOPWORDS")
PEERS="Tantivy"
if [[ -s "$VECTORS" ]]; then
    PEER_ARGS+=(--vectors "$VECTORS")
    PEERS="Tantivy and FAISS"
else
    warn "no $VECTORS (Trove embeds it): FAISS is skipped"
    PEER_ARGS+=(--no-faiss)
fi
step "peers: $PEERS, one thread"
wait_idle "$OUT" peers
if ! "$VPY" "$CONTENTION" --record "$OUT/contention.jsonl" --label peers -- \
        "$VPY" "$HERE/peers.py" "${PEER_ARGS[@]}" > "$OUT/peers.json" 2> >(tee "$OUT/peers.log" >&2); then
    FAILED+=("peers.py (log: $OUT/peers.log)")
    warn "peers.py failed; see $OUT/peers.log"
fi

# 6. Report ------------------------------------------------------------------------------------
step "results"
COMMAND="bash Benchmarks/retrieval/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
"$VPY" "$HERE/report.py" --meta "$META" --peers "$OUT/peers.json" "${TROVE_JSON[@]}" --results-dir "$OUT" \
    --k "$K" --out "$RESULTS" --plot "$PLOT" --command "$COMMAND" | tee "$OUT/report.md" || die "report.py failed"
printf '\nresults: %s\ntable:   %s\nplot:    %s\n' "$RESULTS" "$OUT/report.md" "$PLOT" >&2
if (( ${#FAILED[@]} )); then
    printf '\nrun.sh: %d step(s) failed:\n' "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
