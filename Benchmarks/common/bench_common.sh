# Shell helpers the benchmark scripts share (sourced by Benchmarks/*/run.sh).

step() { printf '\n==> %s\n' "$*" >&2; }
warn() { printf 'run.sh: warning: %s\n' "$*" >&2; }
die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }

# Percent of the machine's CPU used over one second (by others: nothing of ours runs then).
cpu_busy() {
    local a b
    read -r -a a < /proc/stat
    sleep 1
    read -r -a b < /proc/stat
    local t1=$(( a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8] ))
    local t2=$(( b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8] ))
    local i1=$(( a[4] + a[5] )) i2=$(( b[4] + b[5] ))
    local dt=$(( t2 - t1 ))
    (( dt > 0 )) || { echo 0; return; }
    echo $(( 100 * ((t2 - t1) - (i2 - i1)) / dt ))
}
