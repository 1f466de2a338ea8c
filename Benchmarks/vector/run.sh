#!/usr/bin/env bash
# Vector benchmark (issue 3): Trove's flat, IVF and IVF-SQ8 indexes against faiss-cpu
# (IndexFlatIP/L2, IndexIVFFlat) on the same data, with the same thread count.
#
#   bash Benchmarks/vector/run.sh [--quick] [--skip-build] [--threads 2] [--seed 1]
#                                 [--trove BIN] [--faiss-only] [--plot FILE.png]
#
#   --quick       small datasets (20,000 x 384 and 100,000 x 128) for a smoke run;
#                 results go to .bench/vector-results-quick.json and the plot to
#                 .bench/vector-recall-qps-quick.png, so docs/ keeps the full run's plot
#   --skip-build  do not run `swift build -c release --product trove`
#   --threads T   threads for both engines (default 2)
#   --trove BIN   the trove binary (default .build/release/trove)
#   --faiss-only  run only the FAISS side (Trove columns show n/a)
#   --plot FILE   where to save the recall-QPS plot (default docs/vector-recall-qps.png)
#   --idle-wait S before each engine runs, wait up to S seconds (default 120) for the
#                 other processes on the machine to use < 20% of the CPU; 0 = don't wait.
#                 The CPU other processes used before and during each run is recorded
#                 (busy.txt, contention.jsonl), and the report warns when it was high.
#
# Datasets (Benchmarks/vector/make_data.py, seeded; made once, then reused):
#   emb384-100k   100,000 x 384 clustered Gaussian, rows L2-normalised, metric ip (.fvecs/.ivecs)
#   gauss128-1m   1,000,000 x 128 clustered Gaussian, metric l2 (.npy float32 / int32)
# 1,000 queries each, exact top-100 ground truth from faiss IndexFlatIP/IndexFlatL2.
#
# Everything goes under .bench/ at the repo root (git-ignored):
#   venv-vector/                   python venv: faiss-cpu numpy matplotlib (from PyPI)
#   vector-data/<dataset>/         base, queries, truth, meta.json
#   vector/<full|quick>/<dataset>/ faiss.json, trove-<index>.json, trove-<index>.jsonl, logs,
#                                  busy.txt and contention.jsonl (others' CPU use)
#   vector-results.json            everything, with ratios and goal checks
# The Markdown table is printed at the end; the plot goes to docs/vector-recall-qps.png.
set -euo pipefail

QUICK=0
SKIP_BUILD=0
THREADS=2
SEED=1
FAISS_ONLY=0
TROVE_ARG=""
PLOT=""
NPROBES="1,2,4,8,16,32,64,128"
K=10
IDLE_WAIT=120
ORIG_ARGS=("$@")

usage() {
    sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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
        --faiss-only) FAISS_ONLY=1; shift ;;
        --plot) PLOT="${2:?--plot needs a path}"; shift 2 ;;
        --plot=*) PLOT="${1#*=}"; shift ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        --idle-wait=*) IDLE_WAIT="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if ! [[ "$THREADS" =~ ^[0-9]+$ ]] || (( THREADS < 1 )); then
    echo "run.sh: --threads must be a positive integer, got '$THREADS'" >&2
    exit 2
fi
if ! [[ "$IDLE_WAIT" =~ ^[0-9]+$ ]]; then
    echo "run.sh: --idle-wait must be a non-negative integer, got '$IDLE_WAIT'" >&2
    exit 2
fi
if ! [[ "$SEED" =~ ^[0-9]+$ ]]; then
    echo "run.sh: --seed must be a non-negative integer, got '$SEED'" >&2
    exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# step, warn, die, cpu_busy
source "$ROOT/Benchmarks/common/bench_common.sh"


BENCH="$ROOT/.bench"
VENV="$BENCH/venv-vector"
VPY="$VENV/bin/python"
DATA="$BENCH/vector-data"
if (( QUICK )); then
    SET=quick
    RESULTS="$BENCH/vector-results-quick.json"
    PLOT="${PLOT:-$BENCH/vector-recall-qps-quick.png}"
else
    SET=full
    RESULTS="$BENCH/vector-results.json"
    PLOT="${PLOT:-$ROOT/docs/vector-recall-qps.png}"
fi
OUTDIR="$BENCH/vector/$SET"
if [[ -n "$TROVE_ARG" ]]; then
    TROVE="$(cd "$(dirname "$TROVE_ARG")" && pwd)/$(basename "$TROVE_ARG")"
else
    TROVE="$ROOT/.build/release/trove"
fi
# Both engines get the same thread count, also for any BLAS/OpenMP pool they start.
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS"

mkdir -p "$BENCH"
# Keep the folder out of git even before .gitignore lists it.
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"

# 1. Python venv with faiss-cpu, numpy, matplotlib (PyPI only) ----------------------
venv_ok() {
    [[ -x "$VPY" ]] && "$VPY" -c 'import faiss, numpy, matplotlib' >/dev/null 2>&1
}
if venv_ok; then
    step "reusing venv $VENV ($("$VPY" -c 'import faiss, numpy; print("faiss", faiss.__version__, "numpy", numpy.__version__)'))"
else
    step "creating venv $VENV with faiss-cpu numpy matplotlib"
    command -v python3 >/dev/null || die "python3 not found; install it (apt-get install python3 python3-venv)"
    if [[ ! -x "$VPY" ]]; then
        python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian install python3-venv"
    fi
    "$VPY" -m pip install --quiet --upgrade pip || warn "could not upgrade pip; going on"
    "$VPY" -m pip install --quiet faiss-cpu numpy matplotlib \
        || die "pip install faiss-cpu numpy matplotlib failed (needs PyPI)"
    venv_ok || die "the venv at $VENV still cannot import faiss, numpy and matplotlib"
fi

# 2. Datasets -------------------------------------------------------------------------
step "datasets ($SET, seed $SEED) under $DATA"
MAKE_ARGS=(--out-dir "$DATA" --seed "$SEED")
(( QUICK )) && MAKE_ARGS+=(--quick)
MANIFEST="$("$VPY" "$HERE/make_data.py" "${MAKE_ARGS[@]}")" || die "make_data.py failed"
[[ -s "$MANIFEST" ]] || die "make_data.py did not write its manifest ($MANIFEST)"

# 3. Build Trove ------------------------------------------------------------------------
if (( FAISS_ONLY )); then
    step "--faiss-only: not building or running Trove"
elif (( SKIP_BUILD )); then
    step "skipping build (--skip-build), using $TROVE"
else
    step "swift build -c release --product trove"
    swift build -c release --product trove || die "swift build failed"
fi
if (( ! FAISS_ONLY )); then
    [[ -x "$TROVE" ]] || die "$TROVE not found or not executable; did the build succeed? (--faiss-only runs FAISS alone)"
fi

# 4. Run both engines on each dataset ------------------------------------------------------
FAILED=()
while IFS=$'\t' read -r -u 3 NAME METRIC NLIST BASE QUERIES TRUTH N D; do
    DIR="$OUTDIR/$NAME"
    mkdir -p "$DIR"
    # Never report figures of an earlier run.
    rm -f "$DIR"/faiss.json "$DIR"/faiss.log "$DIR"/trove-* "$DIR"/busy.txt "$DIR"/contention.jsonl

    step "$NAME ($N x $D, $METRIC): FAISS, $THREADS thread(s), nlist $NLIST"
    wait_idle "$DIR" faiss
    if ! "$VPY" "$HERE/contention.py" --record "$DIR/contention.jsonl" --label faiss -- \
            "$VPY" "$HERE/faiss_peer.py" run --base "$BASE" --queries "$QUERIES" --truth "$TRUTH" \
            --metric "$METRIC" --k "$K" --nlist "$NLIST" --nprobe "$NPROBES" --threads "$THREADS" \
            > "$DIR/faiss.json" 2> >(tee "$DIR/faiss.log" >&2); then
        rm -f "$DIR/faiss.json"
        FAILED+=("faiss $NAME (log: $DIR/faiss.log)")
        warn "FAISS peer failed on $NAME; see $DIR/faiss.log"
    fi

    (( FAISS_ONLY )) && continue
    for INDEX in flat ivf ivf-sq8; do
        ARGS=(bench vector --base "$BASE" --queries "$QUERIES" --truth "$TRUTH" --k "$K"
              --metric "$METRIC" --index "$INDEX" --threads "$THREADS"
              --out "$DIR/trove-$INDEX.jsonl" --json)
        [[ "$INDEX" == flat ]] || ARGS+=(--nlist "$NLIST" --nprobe "$NPROBES")
        step "$NAME: trove ${ARGS[*]}"
        printf '%q ' "$TROVE" "${ARGS[@]}" > "$DIR/trove-$INDEX.cmd"
        wait_idle "$DIR" "trove-$INDEX"
        if "$VPY" "$HERE/contention.py" --record "$DIR/contention.jsonl" --label "trove-$INDEX" -- \
                "$TROVE" "${ARGS[@]}" > "$DIR/trove-$INDEX.json" 2> >(tee "$DIR/trove-$INDEX.log" >&2); then
            if ! "$VPY" -c 'import json,sys; sys.path.insert(0, sys.argv[2]); import report; report.parse_json_output(open(sys.argv[1]).read())' \
                    "$DIR/trove-$INDEX.json" "$HERE" 2>/dev/null; then
                FAILED+=("trove $INDEX on $NAME printed no JSON object (stdout: $DIR/trove-$INDEX.json)")
                warn "trove $INDEX on $NAME printed no JSON object on stdout; see $DIR/trove-$INDEX.json"
            fi
        else
            rc=$?
            FAILED+=("trove $INDEX on $NAME exited $rc (log: $DIR/trove-$INDEX.log)")
            warn "trove $INDEX on $NAME exited with status $rc; see $DIR/trove-$INDEX.log"
            mv -f "$DIR/trove-$INDEX.json" "$DIR/trove-$INDEX.stdout" 2>/dev/null || true
        fi
    done
done 3< <("$VPY" -c '
import json, sys
for d in json.load(open(sys.argv[1]))["datasets"]:
    print("\t".join(str(d[k]) for k in ("name", "metric", "nlist", "base", "queries", "truth", "n", "d")))
' "$MANIFEST")

# 5. Report ---------------------------------------------------------------------------------
step "results"
COMMAND="bash Benchmarks/vector/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
REPORT_ARGS=(--manifest "$MANIFEST" --results-dir "$OUTDIR" --threads "$THREADS" --k "$K"
             --out "$RESULTS" --plot "$PLOT" --command "$COMMAND")
(( FAISS_ONLY )) && REPORT_ARGS+=(--faiss-only)
"$VPY" "$HERE/report.py" "${REPORT_ARGS[@]}" || die "report.py failed"

printf '\nresults: %s\nplot:    %s\nraw:     %s/<dataset>/{faiss,trove-*}.json and logs\n' \
    "$RESULTS" "$PLOT" "$OUTDIR" >&2
if (( ${#FAILED[@]} )); then
    printf '\nrun.sh: %d step(s) failed:\n' "${#FAILED[@]}" >&2
    printf '  - %s\n' "${FAILED[@]}" >&2
    exit 1
fi
