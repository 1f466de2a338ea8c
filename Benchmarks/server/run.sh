#!/usr/bin/env bash
# Load benchmark of the HTTP server (issue 8): a release `trove serve` on 127.0.0.1 with
# 100,000 stored messages and a 10,000-vector collection, driven by wrk (Debian's) at 16
# and 64 connections for a bounded time each: message append, message search (text +
# time), collection vector search. Prints a Markdown table (requests/s, p50, p99, errors).
#
#   bash Benchmarks/server/run.sh [--skip-build] [--messages N] [--vectors N] [--seconds S] [--memtable-mb N]
set -euo pipefail
cd "$(dirname "$0")/../.."
source Benchmarks/common/bench_common.sh
HERE=Benchmarks/server
SKIP_BUILD=0 MESSAGES=100000 VECTORS=10000 SECONDS_EACH=10 MEMTABLE=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) SKIP_BUILD=1 ;;
        --messages) MESSAGES="$2"; shift ;;
        --vectors) VECTORS="$2"; shift ;;
        --seconds) SECONDS_EACH="$2"; shift ;;
        --memtable-mb) MEMTABLE=(--memtable-mb "$2"); shift ;;
        *) die "unknown option $1" ;;
    esac
    shift
done
command -v wrk >/dev/null || { step "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
scripts/setup.sh >/dev/null
[[ $SKIP_BUILD == 1 ]] || { step "release build"; swift build -c release --product trove >/dev/null; }
OUT=.bench/server
rm -rf "$OUT" && mkdir -p "$OUT"
export TROVE_ADMIN_PASSWORD="bench-admin-password"
export CONVERSATIONS="$OUT/conversations.txt"
PORT=18080
step "trove serve on 127.0.0.1:$PORT (data $OUT/data)"
.build/release/trove serve --data "$OUT/data" --port "$PORT" --rate-limit 1000000000 --rate-burst 1000000000 "${MEMTABLE[@]}" > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "trove listening" "$OUT/serve.log" && break; sleep 0.2; done
grep -q "trove listening" "$OUT/serve.log" || die "the server did not start: $(cat "$OUT/serve.log")"
step "seeding $MESSAGES messages and $VECTORS vectors"
export TROVE_KEY="$(python3 "$HERE/seed.py" "http://127.0.0.1:$PORT" "$MESSAGES" "$VECTORS" 2> >(tee "$OUT/seed.log" >&2))"
export DIM=128
printf '| workload | connections | requests/s | p50 ms | p99 ms | non-2xx |\n|---|---|---|---|---|---|\n' > "$OUT/table.md"
for workload in append search vector; do
    cat "$HERE/$workload.lua" "$HERE/status.lua" > "$OUT/$workload.lua"
    for conns in 16 64; do
        wait_idle "$OUT" "$workload c$conns"
        step "$workload, $conns connections, ${SECONDS_EACH}s"
        wrk -t2 -c"$conns" -d"${SECONDS_EACH}s" --latency -s "$OUT/$workload.lua" "http://127.0.0.1:$PORT" > "$OUT/$workload-$conns.txt"
        python3 - "$OUT/$workload-$conns.txt" "$workload" "$conns" >> "$OUT/table.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = int(re.search(r"non2xx (\d+)", text).group(1)) + int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1])
print(f"| {sys.argv[2]} | {sys.argv[3]} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} |")
PY
    done
done
curl -s "http://127.0.0.1:$PORT/health" > "$OUT/health.json"
step "results ($OUT/table.md)"
cat "$OUT/table.md"
