#!/usr/bin/env bash
# Mixed-workload benchmark (issue 5): chat messages with 384-d embeddings in a tenant-scoped
# collection; text + time, vector and hybrid queries from concurrent tasks, first alone, then
# while another task ingests at a steady rate. Goal: each query type's p99 under ingest is at
# most 2x its p99 without.
#
#   bash Benchmarks/mixed/run.sh [--quick] [--skip-build] [--messages N] [--seconds S]
#                                [--ingest-rate R] [--users U] [--dim D] [--seed S]
#                                [--trove BIN] [--db DIR] [--keep-db] [--idle-wait S]
#
#   --quick          100,000 messages and 10 s phases (a smoke run; the goal is about 1M)
#   --skip-build     do not run `swift build -c release --product trove`
#   --messages N     messages loaded before the phases (default 1,000,000)
#   --seconds S      length of each measured phase (default 30)
#   --ingest-rate R  messages per second during the ingest phase (default 1000)
#   --warmup S       untimed seconds of queries before the quiet phase (default 30; the
#                    3 GB folder of the full run is mostly cold after the load)
#   --query-rate Q   queries per second, all query tasks together, on a fixed schedule
#                    (default 300; 0 = back to back, which saturates both cores)
#   --users U        tenants (default 1000); --dim D embedding dimension (default 384)
#   --seed S         messages and queries (default 1)
#   --trove BIN      the trove binary (default .build/release/trove)
#   --db DIR         where the database is built: a missing or empty folder, kept afterwards
#                    (default .bench/mixed/db, emptied first and removed afterwards)
#   --keep-db        keep the default database folder afterwards
#   --idle-wait S    wait up to S seconds (default 120) for other processes to use < 20% of
#                    the CPU before the run; 0 = don't wait. Their CPU use during the run is
#                    recorded (contention.jsonl) and the report warns when it was high.
#
# Writes Benchmarks/mixed/results/ (kept out of git by its own .gitignore):
#   latest.json      `trove bench mixed --json` output, plus the report's "report" member
#   latest.md        the Markdown table
#   latest.log       trove's progress and table (standard error)
#   contention.jsonl other processes' CPU use during the run
set -euo pipefail

QUICK=0
SKIP_BUILD=0
MESSAGES=""
SECONDS_ARG=""
RATE=1000
QUERY_RATE=300
WARMUP=30
USERS=1000
DIM=384
SEED=1
TROVE_ARG=""
DB_ARG=""
KEEP_DB=0
IDLE_WAIT=120
ORIG_ARGS=("$@")

usage() {
    sed -n '2,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1; shift ;;
        --skip-build) SKIP_BUILD=1; shift ;;
        --messages) MESSAGES="${2:?--messages needs a value}"; shift 2 ;;
        --messages=*) MESSAGES="${1#*=}"; shift ;;
        --seconds) SECONDS_ARG="${2:?--seconds needs a value}"; shift 2 ;;
        --seconds=*) SECONDS_ARG="${1#*=}"; shift ;;
        --ingest-rate) RATE="${2:?--ingest-rate needs a value}"; shift 2 ;;
        --ingest-rate=*) RATE="${1#*=}"; shift ;;
        --warmup) WARMUP="${2:?--warmup needs a value}"; shift 2 ;;
        --warmup=*) WARMUP="${1#*=}"; shift ;;
        --query-rate) QUERY_RATE="${2:?--query-rate needs a value}"; shift 2 ;;
        --query-rate=*) QUERY_RATE="${1#*=}"; shift ;;
        --users) USERS="${2:?--users needs a value}"; shift 2 ;;
        --users=*) USERS="${1#*=}"; shift ;;
        --dim) DIM="${2:?--dim needs a value}"; shift 2 ;;
        --dim=*) DIM="${1#*=}"; shift ;;
        --seed) SEED="${2:?--seed needs a value}"; shift 2 ;;
        --seed=*) SEED="${1#*=}"; shift ;;
        --trove) TROVE_ARG="${2:?--trove needs a path}"; shift 2 ;;
        --trove=*) TROVE_ARG="${1#*=}"; shift ;;
        --db) DB_ARG="${2:?--db needs a path}"; shift 2 ;;
        --db=*) DB_ARG="${1#*=}"; shift ;;
        --keep-db) KEEP_DB=1; shift ;;
        --idle-wait) IDLE_WAIT="${2:?--idle-wait needs a value}"; shift 2 ;;
        --idle-wait=*) IDLE_WAIT="${1#*=}"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if (( QUICK )); then
    MESSAGES="${MESSAGES:-100000}"
    SECONDS_ARG="${SECONDS_ARG:-10}"
fi
MESSAGES="${MESSAGES:-1000000}"
SECONDS_ARG="${SECONDS_ARG:-30}"
for v in MESSAGES SECONDS_ARG RATE USERS DIM; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]] || (( ${!v} < 1 )); then
        echo "run.sh: ${v%_ARG} must be a positive integer, got '${!v}'" >&2
        exit 2
    fi
done
for v in SEED IDLE_WAIT; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then
        echo "run.sh: $v must be a non-negative integer, got '${!v}'" >&2
        exit 2
    fi
done

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

# step, warn, die, cpu_busy
source "$ROOT/Benchmarks/common/bench_common.sh"

wait_idle() {
    local busy waited=0
    [[ -r /proc/stat ]] || return 0
    busy="$(cpu_busy)"
    while (( busy >= 20 && waited < IDLE_WAIT )); do
        (( waited == 0 )) && printf 'run.sh: other processes use %s%% of the CPU; waiting up to %s s\n' "$busy" "$IDLE_WAIT" >&2
        sleep 4
        waited=$(( waited + 5 ))
        busy="$(cpu_busy)"
    done
    (( busy >= 20 )) && warn "other processes use ${busy}% of the CPU; the latencies may be disturbed"
    return 0
}

RESULTS="$HERE/results"
BENCH="$ROOT/.bench"
DB="${DB_ARG:-$BENCH/mixed/db}"
CONTENTION="$ROOT/Benchmarks/vector/contention.py"
if [[ -n "$TROVE_ARG" ]]; then
    TROVE="$(cd "$(dirname "$TROVE_ARG")" && pwd)/$(basename "$TROVE_ARG")"
else
    TROVE="$ROOT/.build/release/trove"
fi
command -v python3 >/dev/null || die "python3 not found (the report needs it; no packages beyond the standard library)"

mkdir -p "$RESULTS"
# Keep the results out of git (as .bench/ is).
[[ -e "$RESULTS/.gitignore" ]] || printf '*\n' > "$RESULTS/.gitignore"
if [[ -z "$DB_ARG" ]]; then
    mkdir -p "$BENCH"
    [[ -e "$BENCH/.gitignore" ]] || printf '*\n' > "$BENCH/.gitignore"
fi

# 1. Build --------------------------------------------------------------------------------
if (( SKIP_BUILD )); then
    step "skipping build (--skip-build), using $TROVE"
else
    step "swift build -c release --product trove"
    swift build -c release --product trove || die "swift build failed"
fi
[[ -x "$TROVE" ]] || die "$TROVE not found or not executable; did the build succeed?"

# 2. Run ----------------------------------------------------------------------------------
if [[ -z "$DB_ARG" ]]; then
    rm -rf "$DB"
else
    KEEP_DB=1
    if [[ -d "$DB" ]] && [[ -n "$(ls -A "$DB")" ]]; then
        die "--db $DB is not empty: the benchmark builds a fresh database"
    fi
fi
mkdir -p "$(dirname "$DB")"
# Never report figures of an earlier run.
rm -f "$RESULTS/latest.json" "$RESULTS/latest.md" "$RESULTS/latest.log" "$RESULTS/contention.jsonl" "$RESULTS/latest.stdout"
ARGS=(bench mixed --db "$DB" --messages "$MESSAGES" --seconds "$SECONDS_ARG" --ingest-rate "$RATE" --query-rate "$QUERY_RATE" --warmup "$WARMUP"
      --users "$USERS" --dim "$DIM" --seed "$SEED" --json)
step "trove ${ARGS[*]}"
wait_idle
RUN=("$TROVE" "${ARGS[@]}")
[[ -f "$CONTENTION" ]] && RUN=(python3 "$CONTENTION" --record "$RESULTS/contention.jsonl" --label trove-mixed -- "${RUN[@]}")
STATUS=0
"${RUN[@]}" > "$RESULTS/latest.stdout" 2> >(tee "$RESULTS/latest.log" >&2) || STATUS=$?
(( KEEP_DB )) || rm -rf "$DB"
if (( STATUS != 0 )); then
    die "trove exited with status $STATUS; see $RESULTS/latest.log (stdout: $RESULTS/latest.stdout)"
fi
python3 -c '
import sys
sys.path.insert(0, sys.argv[2])
from report_common import parse_json_output
import json
obj = parse_json_output(open(sys.argv[1]).read())
with open(sys.argv[3], "w") as f:
    json.dump(obj, f, indent=2)
' "$RESULTS/latest.stdout" "$ROOT/Benchmarks/common" "$RESULTS/latest.json" \
    || die "trove printed no JSON object; see $RESULTS/latest.stdout"
rm -f "$RESULTS/latest.stdout"

# 3. Report -------------------------------------------------------------------------------
step "results"
COMMAND="bash Benchmarks/mixed/run.sh${ORIG_ARGS[*]:+ ${ORIG_ARGS[*]}}"
REPORT_ARGS=(--results "$RESULTS/latest.json" --command "$COMMAND" --update)
[[ -f "$RESULTS/contention.jsonl" ]] && REPORT_ARGS+=(--contention "$RESULTS/contention.jsonl")
python3 "$HERE/report.py" "${REPORT_ARGS[@]}" | tee "$RESULTS/latest.md" || die "report.py failed"
printf '\nresults: %s\ntable:   %s\nlog:     %s\n' "$RESULTS/latest.json" "$RESULTS/latest.md" "$RESULTS/latest.log" >&2
