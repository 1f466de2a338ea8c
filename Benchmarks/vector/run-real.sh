#!/usr/bin/env bash
# Real-embedding vector benchmark (issue 18): Trove's flat, IVF, HNSW (and IVF-PQ) indexes
# against FAISS (IndexFlatIP, IndexIVFFlat, OPQ+IVF-PQ+refine), hnswlib and usearch, all
# from PyPI, on Debian documentation passages embedded by TroveEmbed (all-MiniLM-L6-v2,
# 384-d) plus perturbed copies, with the retrieval benchmark's real queries.
#
#   bash Benchmarks/vector/run-real.sh [--set 20k|200k|1m|both] [--skip-build] [--threads 2]
#                                      [--peers-only] [--idle-wait 120] [--trove BIN] ...
#
#   --set S         200k (default), 1m, both, or 20k (the real rows alone)
#   --skip-build    do not run `swift build -c release --product trove`
#   --threads T     build and batch threads for every engine (default 2); single-query
#                   latency is always measured on 1 thread (Trove: a second run, --threads 1)
#   --peers-only    run only the peers (Trove columns show n/a); the plots then go to
#                   .bench/vector-real-recall-*-peers.png
#   --peers LIST    peers to run (default faiss-flat,faiss-ivf,faiss-ivfpq,hnswlib,usearch,usearch-f32)
#   --indexes LIST  Trove index kinds (default flat,ivf,hnsw,ivf-pq); a kind the binary
#                   rejects is skipped with a note in the tables
#   --nprobe LIST   IVF sweep, both engines (default 1,2,4,8,16,32,64,128)
#   --ef LIST       HNSW sweep, every HNSW engine (default 10,20,40,80,160,320)
#   --m M           HNSW links per node for hnswlib and Trove (default 16: hnswlib's default)
#   --ef-construction E  HNSW build candidates for hnswlib and Trove (default 200: hnswlib's)
#   --k-factor LIST FAISS IVF-PQ refine factors (default 1,2,4,8,16)
#   --pq-m M        FAISS OPQ/PQ sub-quantizers (default 48: 8 dims, 48 bytes per vector)
#   --trove-ivfpq-args "ARGS"  extra arguments for `trove bench vector --index ivf-pq`
#   --trove-ivf-args "ARGS"    extra arguments for `trove bench vector --index ivf` (e.g. "--spill 0")
#   --seed S        make_real.py's seed (default 1)
#   --idle-wait S   before each engine runs, wait up to S seconds (default 120) for other
#                   processes to use < 20% of the CPU; 0 = don't wait
#   --trove BIN     the trove binary (default .build/release/trove)
#   --no-apt        do not apt-get install perl-doc and python3-doc (the corpus needs them)
#
# Steps: the venv .bench/venv-vector (faiss-cpu, numpy, matplotlib, hnswlib, usearch from
# PyPI; shared with run.sh), the build, the real vectors (the retrieval benchmark's corpus
# and query sets, Benchmarks/retrieval/make_sets.py, embedded once by `trove bench retrieval
# --embed-only`), make_real.py (the sets), then per set every peer (real_peers.py, one
# process each) and `trove bench vector` per index kind, twice (--threads T, then
# --threads 1 for single-query latency), and real_report.py.
# Everything goes under .bench/ (git-ignored):
#   vector-data/real384-<set>/     base.fvecs, queries.fvecs, truth.ivecs, sources.npy, meta.json
#   vector-real/<set>/             peer-<peer>.json, trove-<index>[-t1].json, .jsonl, .cmd, logs,
#                                  busy.txt, contention.jsonl, times.tsv (wall seconds per step)
#   vector-real-results.json       everything, with ratios and goal checks
# Plots: docs/vector-real-recall-latency.png and docs/vector-real-recall-qps.png.
set -euo pipefail

SETS=200k
SKIP_BUILD=0
THREADS=2
PEERS_ONLY=0
PEERS="faiss-flat,faiss-ivf,faiss-ivfpq,hnswlib,usearch,usearch-f32"
INDEXES="flat,ivf,hnsw,ivf-pq"
NPROBES="1,2,4,8,16,32,64,128"
EFS="10,20,40,80,160,320"
HNSW_M=16
EF_CONSTRUCTION=200
K_FACTORS="1,2,4,8,16"
PQ_M=48
IVFPQ_ARGS=""
IVF_ARGS=""
SEED=1
IDLE_WAIT=120
TROVE_ARG=""
NO_APT=0
K=10
ORIG_ARGS=("$@")

usage() { sed -n '2,40p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --set) SETS="${2:?--set needs 20k, 200k, 1m or both}"; shift 2 ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --threads) THREADS="${2:?--threads needs a value}"; shift 2 ;;
        --peers-only) PEERS_ONLY=1; shift ;;
        --peers) PEERS="${2:?--peers needs a list}"; shift 2 ;;
        --indexes) INDEXES="${2:?--indexes needs a list}"; shift 2 ;;
        --nprobe) NPROBES="${2:?--nprobe needs a list}"; shift 2 ;;
        --ef) EFS="${2:?--ef needs a list}"; shift 2 ;;
        --m) HNSW_M="${2:?--m needs a value}"; shift 2 ;;
        --ef-construction) EF_CONSTRUCTION="${2:?--ef-construction needs a value}"; shift 2 ;;
        --k-factor) K_FACTORS="${2:?--k-factor needs a list}"; shift 2 ;;
        --pq-m) PQ_M="${2:?--pq-m needs a value}"; shift 2 ;;
        --trove-ivfpq-args) IVFPQ_ARGS="${2?--trove-ivfpq-args needs a value}"; shift 2 ;;
        --trove-ivf-args) IVF_ARGS="${2?--trove-ivf-args needs a value}"; shift 2 ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        --trove) TROVE_ARG="${2:?--trove needs a path}"; shift 2 ;;
        --no-apt) NO_APT=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run-real.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$SETS" in 20k) SET_LIST=(20k) ;; 200k) SET_LIST=(200k) ;; 1m) SET_LIST=(1m) ;; both) SET_LIST=(200k 1m) ;;
    *) echo "run-real.sh: --set takes 20k, 200k, 1m or both, got '$SETS'" >&2; exit 2 ;; esac
for v in THREADS SEED IDLE_WAIT HNSW_M EF_CONSTRUCTION PQ_M; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "run-real.sh: ${v,,} takes a non-negative integer, got '${!v}'" >&2; exit 2; }
done
(( THREADS >= 1 )) || { echo "run-real.sh: --threads must be >= 1" >&2; exit 2; }
for v in NPROBES EFS K_FACTORS; do
    [[ "${!v}" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run-real.sh: ${v,,} takes positive integers, comma-separated" >&2; exit 2; }
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
# step, warn, die, wait_idle
source "$ROOT/Benchmarks/common/bench_common.sh"
export IDLE_WAIT

BENCH="$ROOT/.bench"
VENV="$BENCH/venv-vector"
VPY="$VENV/bin/python"
RDATA="$BENCH/retrieval-data"
DATA="$BENCH/vector-data"
OUT="$BENCH/vector-real"
RESULTS="$BENCH/vector-real-results.json"
if (( PEERS_ONLY )); then
    PLOT_LAT="$BENCH/vector-real-recall-latency-peers.png"
    PLOT_QPS="$BENCH/vector-real-recall-qps-peers.png"
    RESULTS="$BENCH/vector-real-results-peers.json"
else
    PLOT_LAT="$ROOT/docs/vector-real-recall-latency.png"
    PLOT_QPS="$ROOT/docs/vector-real-recall-qps.png"
fi
TROVE="${TROVE_ARG:-$ROOT/.build/release/trove}"
[[ "$TROVE" == /* ]] || TROVE="$ROOT/$TROVE"
CONTENTION="$HERE/contention.py"
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
mkdir -p "$BENCH" "$OUT"
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"
RUN_START=$SECONDS
SETUP_TIMES="$OUT/times-setup.tsv"
: > "$SETUP_TIMES"

# Wall seconds of each step, per set, for the report.
timed() {  # timed FILE LABEL -- command...
    local file="$1" label="$2" t0=$SECONDS rc=0
    shift 3
    "$@" || rc=$?
    printf '%s\t%s\t%s\n' "$label" "$(( SECONDS - t0 ))" "$rc" >> "$file"
    return $rc
}

# 1. venv --------------------------------------------------------------------------------
PY_CHECK='import faiss, numpy, matplotlib, hnswlib, usearch.index'
if [[ -x "$VPY" ]] && "$VPY" -c "$PY_CHECK" >/dev/null 2>&1; then
    step "reusing venv $VENV ($("$VPY" -c 'import faiss, usearch, importlib.metadata as m; print("faiss", faiss.__version__, "hnswlib", m.version("hnswlib"), "usearch", usearch.__version__)'))"
else
    step "venv $VENV: faiss-cpu numpy matplotlib hnswlib usearch (PyPI)"
    command -v python3 >/dev/null || die "python3 not found (apt-get install python3 python3-venv)"
    [[ -x "$VPY" ]] || python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian install python3-venv"
    "$VPY" -m pip install --quiet --upgrade pip || warn "could not upgrade pip; going on"
    # hnswlib may build from source (needs a C++ compiler: apt-get install g++)
    "$VPY" -m pip install --quiet faiss-cpu numpy matplotlib hnswlib usearch \
        || die "pip install faiss-cpu numpy matplotlib hnswlib usearch failed (needs PyPI; hnswlib may need g++)"
    "$VPY" -c "$PY_CHECK" || die "the venv at $VENV cannot import faiss, numpy, matplotlib, hnswlib and usearch"
fi

printf 'venv\t%s\t0\n' "$(( SECONDS - RUN_START ))" >> "$SETUP_TIMES"

# 2. Build ---------------------------------------------------------------------------------
if (( PEERS_ONLY )); then
    step "--peers-only: not building or running Trove's vector benchmark"
elif (( SKIP_BUILD )); then
    step "skipping build (--skip-build), using $TROVE"
else
    step "swift build -c release --product trove"
    timed "$SETUP_TIMES" build -- swift build -c release --product trove || die "swift build failed"
fi

# 3. Real vectors: the retrieval benchmark's passages and queries, embedded by TroveEmbed ----
VEC_FILES=("$RDATA/corpus.fvecs" "$RDATA"/queries-{verbatim,keywords,semantic}.fvecs)
missing_vectors() { local f; for f in "${VEC_FILES[@]}"; do [[ -s "$f" ]] || return 0; done; return 1; }
if missing_vectors || [[ ! -s "$RDATA/meta.json" ]]; then
    step "real vectors: the retrieval benchmark's corpus and query sets, then TroveEmbed"
    NEED=()
    for pkg in perl-doc python3-doc; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || NEED+=("$pkg")
    done
    if (( ${#NEED[@]} )); then
        if (( NO_APT )) || [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
            warn "${NEED[*]} not installed: the corpus differs from the retrieval benchmark's documented one"
        else
            step "apt-get install ${NEED[*]}"
            { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" >&2 \
              || { DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true;
                   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" >&2; }; } \
                || die "apt-get install ${NEED[*]} failed (or pass --no-apt)"
        fi
    fi
    # make_sets.py needs only the standard library; it deletes stale .fvecs itself.
    timed "$SETUP_TIMES" retrieval-make_sets -- nice -n 5 "$VPY" "$ROOT/Benchmarks/retrieval/make_sets.py" --out-dir "$RDATA" --seed 1 --passages 20000 >/dev/null \
        || die "Benchmarks/retrieval/make_sets.py failed"
fi
if missing_vectors; then
    [[ -x "$TROVE" ]] || die "$TROVE is needed to embed the passages (trove bench retrieval --embed-only); build it or pass --trove"
    bash "$ROOT/scripts/install-model.sh" || die "scripts/install-model.sh failed"
    mkdir -p "$BENCH/retrieval"
    step "embedding passages and queries: trove bench retrieval --embed-only (a few minutes of CPU)"
    timed "$SETUP_TIMES" embed -- "$TROVE" bench retrieval --corpus "$RDATA/corpus.jsonl" --vectors "$RDATA/corpus.fvecs" \
        --set "verbatim=$RDATA/queries-verbatim.jsonl" --set "keywords=$RDATA/queries-keywords.jsonl" \
        --set "semantic=$RDATA/queries-semantic.jsonl" --k "$K" --analyzer english \
        --out-dir "$BENCH/retrieval/trove" --json --embed-only > "$BENCH/retrieval/embed.json" \
        2> >(tee "$BENCH/retrieval/embed.log" >&2) \
        || die "trove bench retrieval --embed-only failed; see $BENCH/retrieval/embed.log"
    if missing_vectors; then die "the embed step left vectors missing under $RDATA"; fi
fi

# 4. The sets --------------------------------------------------------------------------------
step "sets ($SETS, seed $SEED) under $DATA"
T0=$SECONDS
mapfile -t METAS < <("$VPY" "$HERE/make_real.py" --source "$RDATA" --out-dir "$DATA" --set "$SETS" --seed "$SEED")
printf 'make_real\t%s\t0\n' "$(( SECONDS - T0 ))" >> "$SETUP_TIMES"
(( ${#METAS[@]} == ${#SET_LIST[@]} )) || die "make_real.py printed ${#METAS[@]} meta.json path(s) for ${#SET_LIST[@]} set(s)"

# 5. Engines ------------------------------------------------------------------------------------
FAILED=()
REPORT_SETS=()
TROVE_OK=0
if (( ! PEERS_ONLY )); then
    if [[ -x "$TROVE" ]] && "$TROVE" bench vector --help >/dev/null 2>&1; then
        TROVE_OK=1
    else
        warn "$TROVE is missing or has no 'bench vector': Trove columns show n/a"
        FAILED+=("no usable trove binary at $TROVE")
    fi
fi
IFS=',' read -r -a PEER_LIST <<< "$PEERS"
IFS=',' read -r -a INDEX_LIST <<< "$INDEXES"

for i in "${!SET_LIST[@]}"; do
    SET="${SET_LIST[$i]}"
    META="${METAS[$i]}"
    read -r NAME N D NQ NLIST BASE QUERIES TRUTH < <("$VPY" -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(m["name"], m["n"], m["d"], m["nq"], m["nlist"], m["base"], m["queries"], m["truth"])' "$META")
    DIR="$OUT/$SET"
    mkdir -p "$DIR"
    # Never report figures of an earlier run.
    rm -f "$DIR"/peer-* "$DIR"/trove-* "$DIR"/busy.txt "$DIR"/contention.jsonl "$DIR"/times.tsv "$DIR"/report.md
    REPORT_SETS+=(--set "$META=$DIR")
    step "$NAME: $N x $D, $NQ queries, nlist $NLIST, $THREADS thread(s) (single queries: 1)"

    for PEER in "${PEER_LIST[@]}"; do
        step "$NAME: peer $PEER"
        wait_idle "$DIR" "peer-$PEER"
        if ! timed "$DIR/times.tsv" "peer-$PEER" -- "$VPY" "$CONTENTION" --record "$DIR/contention.jsonl" --label "peer-$PEER" -- \
                "$VPY" "$HERE/real_peers.py" --peer "$PEER" --base "$BASE" --queries "$QUERIES" --truth "$TRUTH" \
                --meta "$META" --k "$K" --threads "$THREADS" --nlist "$NLIST" --nprobe "$NPROBES" \
                --k-factor "$K_FACTORS" --pq-m "$PQ_M" --m "$HNSW_M" --ef-construction "$EF_CONSTRUCTION" --ef "$EFS" \
                > "$DIR/peer-$PEER.json" 2> >(tee "$DIR/peer-$PEER.log" >&2); then
            rm -f "$DIR/peer-$PEER.json"
            FAILED+=("$PEER on $NAME (log: $DIR/peer-$PEER.log)")
            warn "$PEER failed on $NAME; see $DIR/peer-$PEER.log"
        fi
    done

    (( TROVE_OK )) || continue
    for INDEX in "${INDEX_LIST[@]}"; do
        RUNS=("$THREADS")
        (( THREADS == 1 )) || RUNS+=(1)
        for T in "${RUNS[@]}"; do
            TAG="trove-$INDEX"
            (( T == THREADS )) || TAG="trove-$INDEX-t1"
            ARGS=(bench vector --base "$BASE" --queries "$QUERIES" --truth "$TRUTH" --k "$K" --metric ip
                  --index "$INDEX" --threads "$T" --single-queries "$NQ" --json)
            (( T == THREADS )) && ARGS+=(--out "$DIR/trove-$INDEX.jsonl")
            case "$INDEX" in
                ivf) ARGS+=(--nlist "$NLIST" --nprobe "$NPROBES")
                     if [[ -n "$IVF_ARGS" ]]; then read -r -a X <<< "$IVF_ARGS"; ARGS+=("${X[@]}"); fi ;;
                ivf-sq8) ARGS+=(--nlist "$NLIST" --nprobe "$NPROBES") ;;
                hnsw) ARGS+=(--m "$HNSW_M" --ef-construction "$EF_CONSTRUCTION" --ef "$EFS") ;;
                ivf-pq) ARGS+=(--nlist "$NLIST" --nprobe "$NPROBES")
                        if [[ -n "$IVFPQ_ARGS" ]]; then read -r -a X <<< "$IVFPQ_ARGS"; ARGS+=("${X[@]}"); fi ;;
            esac
            step "$NAME: trove ${ARGS[*]}"
            printf '%q ' "$TROVE" "${ARGS[@]}" > "$DIR/$TAG.cmd"
            wait_idle "$DIR" "$TAG"
            if timed "$DIR/times.tsv" "$TAG" -- "$VPY" "$CONTENTION" --record "$DIR/contention.jsonl" --label "$TAG" -- \
                    "$TROVE" "${ARGS[@]}" > "$DIR/$TAG.json" 2> >(tee "$DIR/$TAG.log" >&2); then
                if ! "$VPY" -c 'import sys; sys.path.insert(0, sys.argv[2]); from report_common import parse_json_output; parse_json_output(open(sys.argv[1]).read())' \
                        "$DIR/$TAG.json" "$ROOT/Benchmarks/common" 2>/dev/null; then
                    FAILED+=("trove $INDEX ($T thread(s)) on $NAME printed no JSON object ($DIR/$TAG.json)")
                    warn "trove $INDEX on $NAME printed no JSON object; see $DIR/$TAG.json"
                fi
            else
                rc=$?
                mv -f "$DIR/$TAG.json" "$DIR/$TAG.stdout" 2>/dev/null || true
                sleep 1  # let tee finish the log
                # An index kind (or flag) this binary does not know: skip it, with a note.
                if grep -qiE "must be (flat|one of)|unknown option|unexpected argument|invalid value|is not a valid" "$DIR/$TAG.log"; then
                    printf '%s\n' "$(grep -iE "must be|unknown option|unexpected argument|invalid value|is not a valid" "$DIR/$TAG.log" | head -1)" \
                        > "$DIR/trove-$INDEX.unsupported"
                    warn "this trove binary does not run --index $INDEX ($(cat "$DIR/trove-$INDEX.unsupported")): skipped"
                    break
                fi
                FAILED+=("trove $INDEX ($T thread(s)) on $NAME exited $rc (log: $DIR/$TAG.log)")
                warn "trove $INDEX on $NAME exited with status $rc; see $DIR/$TAG.log"
            fi
        done
    done
done

# 6. Report ---------------------------------------------------------------------------------------
step "results"
COMMAND="bash Benchmarks/vector/run-real.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
REPORT_ARGS=("${REPORT_SETS[@]}" --threads "$THREADS" --k "$K" --out "$RESULTS"
             --plot-latency "$PLOT_LAT" --plot-qps "$PLOT_QPS" --command "$COMMAND")
(( PEERS_ONLY )) && REPORT_ARGS+=(--peers-only)
"$VPY" "$HERE/real_report.py" "${REPORT_ARGS[@]}" | tee "$OUT/report.md" || die "real_report.py failed"
printf '\nresults: %s\ntable:   %s\nplots:   %s\n         %s\nraw:     %s/<set>/ (peer-*.json, trove-*.json, logs, times.tsv)\ntotal:   %d s\n' \
    "$RESULTS" "$OUT/report.md" "$PLOT_LAT" "$PLOT_QPS" "$OUT" "$(( SECONDS - RUN_START ))" >&2
if (( ${#FAILED[@]} )); then
    printf '\nrun-real.sh: %d step(s) failed:\n' "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
