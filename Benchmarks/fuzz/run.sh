#!/usr/bin/env bash
# Runs every fuzz target under libFuzzer for SECONDS each (default 600), from the committed
# corpus (Benchmarks/fuzz/corpus), and copies any crasher to Benchmarks/fuzz/crashers/<target>/,
# where the test suite's smoke run (FuzzSmokeTests) replays it from then on.
#   bash Benchmarks/fuzz/run.sh [SECONDS] [TARGET ...]
# With RUNS=N in the environment each target stops after N executions instead (SECONDS
# stays the cap): RUNS=10000000 bash Benchmarks/fuzz/run.sh 4000
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"; shift || true
swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library >/dev/null
bin="$(swift build -c release --show-bin-path)/trove-fuzz"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(manifest manifest-crc wal wal-crc segment segment-crc sections-crc delete-file delete-file-crc document json multipart query safetensors)
mkdir -p work results
for t in "${targets[@]}"; do
    kind="$t"; case "$t" in sections-crc) kind=segment ;; *-crc) kind="${t%-crc}" ;; esac
    mkdir -p "work/$t" "crashers/$t"
    cp -n corpus/"$kind"/* "work/$t/" 2>/dev/null || true
    log="results/$t.log"
    status=0
    TROVE_FUZZ_TARGET="$t" "$bin" "work/$t" -max_total_time="$seconds" ${RUNS:+-runs="$RUNS"} -timeout=10 -rss_limit_mb=4096 \
        -artifact_prefix="crashers/$t/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    echo "$t: $runs executions in $(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' || echo '?'), exit $status"
done
